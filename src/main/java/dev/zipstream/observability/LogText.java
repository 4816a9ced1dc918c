package dev.zipstream.observability;

/**
 * Text from outside (a requested link, an uploaded file's name) as it may appear in a log line: control
 * characters escaped, so a name holding a newline cannot forge a log line, and the length bounded.
 */
public final class LogText {

    private static final int MAX_LENGTH = 300;

    private LogText() {
    }

    public static String of(Object value) {
        String text = String.valueOf(value);
        String bounded = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "..." : text;
        StringBuilder out = new StringBuilder(bounded.length());
        bounded.codePoints().forEach(c -> out.append(Character.isISOControl(c)
                ? String.format("\\x%02x", c)
                : Character.toString(c)));
        return out.toString();
    }
}
