namespace ImageGen.Sdk.Docs.Tests;

/// <summary>Every C# snippet of README.md and docs/ compiles, so the documentation cannot drift from the API.</summary>
public class SnippetTests
{
    public static IEnumerable<TestCaseData> Snippets()
        => DocSnippets.All().Select(s => new TestCaseData(s).SetName("Compiles: " + s));

    [TestCaseSource(nameof(Snippets))]
    public void Snippet_compiles(DocSnippet snippet)
    {
        IReadOnlyList<string> errors = SnippetCompiler.Compile(snippet);

        Assert.That(errors, Is.Empty, () => $"{snippet} does not compile as pasted " +
            $"(mark it '{DocSnippets.NotCompiledMarker}: reason -->' on the line before its fence only if it is not meant to):\n"
            + string.Join('\n', errors) + "\n--- compiled as ---\n" + SnippetCompiler.BuildSource(snippet));
    }

    [Test]
    public void The_readme_has_a_complete_program_and_the_docs_have_snippets()
    {
        DocSnippet[] all = [.. DocSnippets.All()];

        Assert.That(all.Count(s => s.IsReadme), Is.GreaterThanOrEqualTo(1), "the first program");
        Assert.That(all.Count(s => !s.IsReadme), Is.GreaterThan(5));
    }

    [Test]
    public void A_broken_snippet_fails()
    {
        DocSnippet broken = new("test.md", 1, "services.AddImageGeneration().UseNothingThatExists();", IsReadme: false);

        Assert.That(SnippetCompiler.Compile(broken), Has.Some.Contain("UseNothingThatExists"));
    }

    [Test]
    public void A_marked_snippet_is_left_out()
    {
        string[] lines = ["<!-- snippet: not compiled: pseudo-code -->", "```csharp", "this is not C#", "```", "```csharp", "int x = 1;", "```"];

        DocSnippet[] read = [.. DocSnippets.Read("x.md", lines)];

        Assert.That(read.Select(s => s.Code), Is.EqualTo(new[] { "int x = 1;" }));
        Assert.That(read[0].Line, Is.EqualTo(6));
    }
}
