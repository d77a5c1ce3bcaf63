package io.ringbolt.engine;

/** The default {@link FatalErrorHandler}; kept out of the interface so it holds no public state. */
final class FatalErrors {
    static final FatalErrorHandler EXIT_PROCESS = FatalErrors::exit;

    private FatalErrors() {
    }

    private static void exit(String threadName, Throwable error) {
        try {
            // Plain stderr: after an OutOfMemoryError a logger may need memory it cannot get.
            System.err.println("ringbolt: FATAL: " + threadName + " died (" + error + "); exiting with status "
                    + FatalErrorHandler.EXIT_STATUS + " so that a supervisor can restart the server");
            error.printStackTrace();
            System.err.flush();
        } catch (Throwable ignored) {
            // Nothing more can be said; exiting is what matters.
        } finally {
            Runtime.getRuntime().halt(FatalErrorHandler.EXIT_STATUS);
        }
    }
}
