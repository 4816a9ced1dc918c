package dev.zipstream.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.zipstream.plan.ArchiveFolders;

/**
 * {@code /}: what the service is and how its links work, with a link to the sample archive when the sample folder
 * ({@code 7kna}, shipped in {@code test_photos}) is being served. It never lists folders: their names are the
 * secrets in the links.
 */
@Path("/")
public class IndexResource {

    static final String SAMPLE = "7kna";

    private final ArchiveFolders folders;

    public IndexResource(ArchiveFolders folders) {
        this.folders = folders;
    }

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    public String index() {
        String sample = folders.exists(SAMPLE)
                ? "<p>Try it: <a href=\"/archive/" + SAMPLE + "/\" download>download the sample archive "
                        + SAMPLE + ".zip</a>.</p>"
                : "";
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Archive service</title>
                <style>
                body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5;
                       max-width: 40em; margin: 3em auto; padding: 0 1em; color: #1a1a1a; }
                code { background: #f2f2f2; padding: 0 .25em; border-radius: 3px; }
                a { color: #0a58ca; }
                </style>
                </head>
                <body>
                <main>
                <h1>Archive service</h1>
                <p>Every folder of photos on this server can be downloaded as one ZIP file, made while it downloads.
                A link looks like <code>/archive/&lt;folder&gt;/</code>; the folder name is the secret part of the
                link, so only people who were given it can download.</p>
                <p>Downloads show their full size from the start and can be resumed after a broken connection.</p>
                %s
                </main>
                </body>
                </html>
                """.formatted(sample);
    }
}
