package io.keel.kv.server;

/**
 * A request the service answers with a RESP error (and an HTTP status): the text is the error as a
 * client reads it, its first word the code ({@code ERR}, {@code MOVED}, {@code TRYAGAIN},
 * {@code CROSSSLOT}, {@code UNKNOWN} for an outcome the node cannot know).
 */
public final class ServiceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure whose RESP error is {@code error}. */
  public ServiceException(String error) {
    super(error, null, false, false);
  }

  /** The error's first word. */
  public String code() {
    String text = getMessage();
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }
}
