package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataExceptionTest {

    @Test
    void formatsFileRecordAndProblemOnOneLine() {
        DataException e = new DataException(Path.of("/x/train.csv"), "line 17, column 3", "'abc' is not a number");

        assertThat(e.getMessage()).isEqualTo("/x/train.csv: line 17, column 3: 'abc' is not a number");
        assertThat(e.file()).isEqualTo(Path.of("/x/train.csv"));
        assertThat(e.record()).isEqualTo("line 17, column 3");
        assertThat(e.problem()).isEqualTo("'abc' is not a number");
    }

    @Test
    void leavesOutAMissingRecord() {
        DataException e = new DataException(
                Path.of("/x/t.idx.gz"), null, "truncated: expected 7840000 bytes of data, found 1200");

        assertThat(e.getMessage()).isEqualTo("/x/t.idx.gz: truncated: expected 7840000 bytes of data, found 1200");
        assertThat(e.record()).isNull();
    }

    @Test
    void plainMessageHasNoFile() {
        DataException e = new DataException("unknown dataset 'foo'");

        assertThat(e.getMessage()).isEqualTo("unknown dataset 'foo'");
        assertThat(e.file()).isNull();
        assertThat(e.problem()).isEqualTo("unknown dataset 'foo'");
    }

    @Test
    void keepsQuotedUserTextOnOneLine() {
        DataException e = new DataException(Path.of("a.csv"), "line 2", "'x\ny' is not a number");

        assertThat(e.getMessage())
                .isEqualTo("a.csv: line 2: 'x y' is not a number")
                .doesNotContain("\n");
    }
}
