package dev.ccs.httpd.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger writing through {@link ServerLog}; its name is shortened to the class name. */
final class CcsLogger extends LegacyAbstractLogger {

  private final String shortName;

  CcsLogger(String name) {
    this.name = name;
    this.shortName = name.substring(name.lastIndexOf('.') + 1);
  }

  @Override
  public boolean isTraceEnabled() {
    return ServerLog.enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return ServerLog.enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return ServerLog.enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return ServerLog.enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return ServerLog.enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
      Throwable throwable) {
    ServerLog.message(level, shortName, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
  }
}
