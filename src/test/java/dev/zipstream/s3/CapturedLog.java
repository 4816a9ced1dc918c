package dev.zipstream.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one logger writes while a test runs (the application runs in the test's JVM). */
final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    CapturedLog(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
    }

    List<String> messages() {
        return messages;
    }

    long count(String fragment) {
        return messages.stream().filter(message -> message.contains(fragment)).count();
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length > 0) {
            try {
                message = String.format(message, parameters);
            } catch (RuntimeException notPrintf) {
                message = message + " " + List.of(parameters);
            }
        }
        messages.add(message);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
