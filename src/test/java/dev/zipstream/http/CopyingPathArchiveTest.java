package dev.zipstream.http;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every archive, range and validator test again on the copying path. */
@QuarkusTest
@TestProfile(CopyingPath.class)
class CopyingPathArchiveTest extends ArchiveResourceTest {
}
