package io.github.elbo4j.vi.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StanDataTest {

    private static final String EIGHT_SCHOOLS = """
            {"J": 8, "y": [28, 8, -3, 7, -1, 1, 18, 12.5],
             "sigma": [15, 10, 16, 11, 9, 11, 10, 18],
             "X": [[1, 2.5, 3], [4, 5, 6]], "tau0": 2.5, "flags": [0, 1, 1],
             "bounds": ["-Inf", "Infinity", "NaN"], "empty": []}
            """;

    private final StanData data = StanData.parse(EIGHT_SCHOOLS, "schools.json");

    @Test
    void readsEachTypeADataBlockDeclares() {
        assertThat(data.integer("J")).isEqualTo(8);
        assertThat(data.real("tau0")).isEqualTo(2.5);
        assertThat(data.real("J")).isEqualTo(8.0);
        assertThat(data.vector("y", data.integer("J"))).containsExactly(28, 8, -3, 7, -1, 1, 18, 12.5);
        assertThat(data.intArray("flags")).containsExactly(0, 1, 1);
        assertThat(data.matrix("X", 2, 3)).isDeepEqualTo(new double[][] {{1, 2.5, 3}, {4, 5, 6}});
        assertThat(data.vector("bounds"))
                .containsExactly(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN);
        assertThat(data.vector("empty")).isEmpty();
        assertThat(data.matrix("empty")).isEmpty();
        assertThat(data.names()).containsExactly("J", "y", "sigma", "X", "tau0", "flags", "bounds", "empty");
        assertThat(data.contains("sigma")).isTrue();
        assertThat(data.contains("mu")).isFalse();
    }

    @Test
    void returnsCopiesSoThatCallersCannotChangeTheData() {
        data.vector("y")[0] = 99;
        data.matrix("X")[0][0] = 99;
        assertThat(data.vector("y")[0]).isEqualTo(28);
        assertThat(data.matrix("X")[0][0]).isEqualTo(1);
    }

    @Test
    void aMissingFieldNamesTheFileTheFieldAndWhatIsThere() {
        assertThatThrownBy(() -> data.vector("kid_score"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schools.json: field 'kid_score' is missing (fields: J, y, sigma,")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aMistypedFieldSaysWhatWasExpectedAndFound() {
        assertThatThrownBy(() -> data.integer("tau0"))
                .hasMessage("schools.json: field 'tau0' should be an integer, found the number 2.5");
        assertThatThrownBy(() -> data.intArray("y"))
                .hasMessage("schools.json: field 'y' should be an array of integers, found the number 12.5");
        assertThatThrownBy(() -> data.real("y")).hasMessage("schools.json: field 'y' should be a real, found an array");
        assertThatThrownBy(() -> data.vector("J"))
                .hasMessage("schools.json: field 'J' should be an array of reals, found the number 8");
        assertThatThrownBy(() -> data.matrix("y"))
                .hasMessage("schools.json: field 'y' should be a matrix (an array of rows of reals), "
                        + "found the number 28");
        assertThat(StanData.parse("{\"s\": \"abc\"}", "d.json"))
                .satisfies(d -> assertThatThrownBy(() -> d.real("s"))
                        .hasMessage("d.json: field 's' should be a real, found the string \"abc\""));
    }

    @Test
    void aShapeOtherThanTheDeclaredOneIsAnError() {
        assertThatThrownBy(() -> data.vector("y", 7)).hasMessage("schools.json: field 'y' has 8 entries, expected 7");
        assertThatThrownBy(() -> data.intArray("flags", 4))
                .hasMessage("schools.json: field 'flags' has 3 entries, expected 4");
        assertThatThrownBy(() -> data.matrix("X", 3, 2)).hasMessage("schools.json: field 'X' is 2 x 3, expected 3 x 2");
        StanData ragged = StanData.parse("{\"X\": [[1, 2], [3]]}", "r.json");
        assertThatThrownBy(() -> ragged.matrix("X"))
                .hasMessage("r.json: field 'X' is ragged: row 2 has 1 entries, row 1 has 2");
    }

    @Test
    void textThatIsNotAJsonObjectIsRejectedWithItsPlace() {
        assertThatThrownBy(() -> StanData.parse("{\"N\": 3,\n \"y\": [1, 2", "bad.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad.json: not valid JSON at line 2")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> StanData.parse("[1, 2]", "list.json"))
                .hasMessage("list.json: Stan data must be one JSON object, found an array");
        assertThatThrownBy(() -> StanData.parse("", "empty.json"))
                .hasMessage("empty.json: Stan data must be one JSON object, found nothing");
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("data.json");
        Files.writeString(file, "{\"N\": 2, \"y\": [0.5, 1.5]}");
        StanData read = StanData.read(file);
        assertThat(read.vector("y", read.integer("N"))).containsExactly(0.5, 1.5);
        assertThatThrownBy(() -> read.real("sigma")).hasMessageStartingWith(file + ": field 'sigma' is missing");
    }
}
