package io.keel.raft.storage.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Properties;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Runs a property for a share of the project's default tries, for properties whose every try is
 * expensive (a real directory written and fsynced). The default is {@code jqwik.tries.default}
 * as jqwik reads it: a system property (a soak's {@code -Djqwik.tries.default=...}), else
 * {@code junit-platform.properties}, else jqwik's own 1,000. A property that sets its own
 * {@code tries} keeps them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@AddLifecycleHook(ShareOfDefaultTries.Hook.class)
@interface ShareOfDefaultTries {

  /** The share of the default tries, in percent. */
  int percent();

  /** Sets the tries of a property annotated with {@link ShareOfDefaultTries}. */
  final class Hook implements AroundPropertyHook {

    static final String KEY = "jqwik.tries.default";
    private static final int JQWIK_DEFAULT = 1000;

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      int percent = context.findAnnotation(ShareOfDefaultTries.class).orElseThrow().percent();
      if (context.attributes().tries().isEmpty()) {
        context.attributes().setTries(Math.max(1, (int) ((long) defaultTries() * percent / 100)));
      }
      return property.execute();
    }

    static int defaultTries() {
      String value = System.getProperty(KEY);
      if (value == null) {
        try (InputStream in = Hook.class.getClassLoader().getResourceAsStream("junit-platform.properties")) {
          Properties properties = new Properties();
          if (in != null) {
            properties.load(in);
          }
          value = properties.getProperty(KEY);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return value == null ? JQWIK_DEFAULT : Integer.parseInt(value.trim());
    }
  }
}
