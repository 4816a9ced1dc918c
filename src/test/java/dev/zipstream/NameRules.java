package dev.zipstream;

/** The entry-name rules, checked the way an extractor reads the names: by Python's {@code zipfile}. */
public final class NameRules {

    /**
     * Prints {@code {"count": n, "intact": bool, "names": [...], "bad": [...], "unique": bool}} for the archive
     * {@code sys.argv[1]}: whether every entry reads back with its CRC-32 ({@code testzip}), the names
     * that break a rule (a backslash, a leading slash, a drive letter, an empty, dot or dots-and-spaces segment, a
     * control or bidirectional character, U+FFFD, not NFC), and whether the names are unique without case.
     */
    public static final String PYTHON_CHECK = """
            import json, re, sys, unicodedata, zipfile

            def check(path):
                archive = zipfile.ZipFile(path)
                names = archive.namelist()
                intact = archive.testzip() is None
                bad = []
                for n in names:
                    segments = n[:-1].split('/') if n.endswith('/') else n.split('/')
                    if ('\\\\' in n or n.startswith('/') or re.match(r'^[A-Za-z]:', n)
                            or any(s == '' or set(s) <= set('. ') for s in segments)
                            or re.search('[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ufffd]', n)
                            or unicodedata.normalize('NFC', n) != n):
                        bad.append(n)
                folded = [n.rstrip('/').lower() for n in names]
                return json.dumps({'count': len(names), 'intact': intact, 'names': names, 'bad': bad,
                                   'unique': len(set(folded)) == len(folded)})

            if len(sys.argv) > 1:
                print(check(sys.argv[1]))
            else:
                for line in sys.stdin:  # one archive path a line, one answer a line: one interpreter for many
                    print(check(line.rstrip('\\n')), flush=True)
            """;

    /** One Python interpreter answering {@link #PYTHON_CHECK} for many archives (its start costs ~0.3 s). */
    public static final class Checker implements AutoCloseable {
        private final Process python;
        private final java.io.BufferedReader answers;

        public Checker() throws java.io.IOException {
            python = new ProcessBuilder("python3", "-c", PYTHON_CHECK).redirectErrorStream(true).start();
            answers = new java.io.BufferedReader(new java.io.InputStreamReader(python.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        public String check(java.nio.file.Path archive) throws java.io.IOException {
            python.getOutputStream().write((archive.toAbsolutePath() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            python.getOutputStream().flush();
            String answer = answers.readLine();
            if (answer == null || !answer.startsWith("{")) {
                throw new AssertionError("python3 could not check " + archive + ": " + answer);
            }
            return answer;
        }

        @Override
        public void close() {
            python.destroyForcibly();
        }
    }

    private NameRules() {
    }
}
