package dev.zipstream.http;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(CopyingPath.class)
class CopyingPathRobustnessTest extends RobustnessTest {

    @Override
    String expectedTransfer() {
        return "copy";
    }
}
