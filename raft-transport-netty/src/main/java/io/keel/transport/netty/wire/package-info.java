/**
 * Keel's wire protocol: the frame format ({@link io.keel.transport.netty.wire.WireFormat}), the
 * codec between frames and bytes ({@link io.keel.transport.netty.wire.WireCodec}) and the Netty
 * decoder that cuts a byte stream into frames and closes connections that break the format
 * ({@link io.keel.transport.netty.wire.FrameDecoder}).
 *
 * <p>Everything here treats incoming bytes as hostile: every length and count is checked against
 * the bytes actually received before anything is allocated for it, and every decoded value is
 * validated by the record it becomes.
 */
package io.keel.transport.netty.wire;
