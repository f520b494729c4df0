package io.gantry.node.stream;

/**
 * What a protocol handler (WebSocket or SPDY) drives once the streams are open: an exec'ed command
 * ({@link ExecSession}) or an attached container ({@link AttachSession}). Called on the connection's
 * event loop.
 */
interface StreamSession {
  /** All streams are there. */
  void begin();

  void stdin(byte[] data);

  void stdinClosed();

  /** Bytes of the terminal-size stream. */
  void resize(byte[] data);

  /** The connection ended. */
  void clientGone();
}
