namespace ImageGen.Sdk.Docs.Tests;

/// <summary>One fenced <c>csharp</c> block of a Markdown file.</summary>
public sealed record DocSnippet(string File, int Line, string Code, bool IsReadme)
{
    /// <summary>Gets the snippet's place, as the test's name shows it.</summary>
    public override string ToString() => $"{File}:{Line}";
}
