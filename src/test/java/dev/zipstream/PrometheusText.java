package dev.zipstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helper: reads a metric out of a {@code /q/metrics} scrape. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The sum of the metric's samples (every tag combination); fails if it is not exported with a number. */
    public static double sum(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        assertTrue(found, "metric " + name + " is exported");
        return sum;
    }
}
