// Copies every ```java block of docs/java-guide.md, unchanged, into src/main/java as the public
// class it declares, so the build compiles and runs exactly what the guide shows.
def text = new File(guide).getText('UTF-8')
def blocks = (text =~ /(?s)```java\n(.*?)```/).collect { it[1] }
assert blocks.size() >= 3 : "expected the guide's Java programs in ${guide}, found ${blocks.size()}"
def sources = new File(basedir, 'src/main/java')
sources.mkdirs()
blocks.each { code ->
    def name = (code =~ /public class (\w+)/)
    assert name.find() : "a ```java block of ${guide} declares no public class:\n${code}"
    new File(sources, name.group(1) + '.java').setText(code, 'UTF-8')
}
['with-vector-api', 'without-vector-api'].each { new File(basedir, "target/${it}").mkdirs() }
return true
