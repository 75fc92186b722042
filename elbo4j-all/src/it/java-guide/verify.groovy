// What the guide's programs printed, with and without the Vector API flag.
def read = { mode, program -> new File(basedir, "target/${mode}/${program}.log").getText('UTF-8') }
['with-vector-api', 'without-vector-api'].each { mode ->
    def train = read(mode, 'TrainShapes')
    assert train =~ /epoch 1  ELBO -\d+\.\d+  valid ELBO -\d+\.\d+/ : "${mode}: no epoch line\n${train}"
    assert train =~ /ELBO -\d+\.\d+ nats, log p\(x\) >= -\d+\.\d+ nats \(IWAE, K=100\)/ : "${mode}\n${train}"
    assert new File(basedir, "target/${mode}/runs/shapes/report.html").isFile() : "${mode}: no report.html"
    assert read(mode, 'UseRun').contains('4 samples of 784 pixels, 8 reconstructions, latent dimensions 16')
    // The posterior's own text (its summary table is VariationalPosterior.toString's business).
    assert read(mode, 'FitNormal').readLines().any { !it.startsWith('[main] ') && !it.startsWith('WARNING: ') } :
            "${mode}: FitNormal printed no posterior\n${read(mode, 'FitNormal')}"
    ['TrainShapes', 'UseRun', 'FitNormal'].each { program ->
        def log = read(mode, program)
        assert !(log =~ /Exception|Error:|\tat /) : "${mode}/${program} failed:\n${log}"
        assert !log.contains('SLF4J(W)') : "${mode}/${program}: SLF4J warnings\n${log}"
    }
}
def notice = 'elbo4j runs without the Vector API, on the engine\'s slower path; start the JVM with --add-modules jdk.incubator.vector for full speed'
def without = read('without-vector-api', 'TrainShapes')
assert without.count(notice) == 1 : "the notice should appear once without the flag:\n${without}"
assert !read('with-vector-api', 'TrainShapes').contains(notice)
return true
