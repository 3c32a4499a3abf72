using System.Text.RegularExpressions;

namespace ImageGen.Sdk.Docs.Tests;

/// <summary>Finds the C# snippets of README.md and docs/.</summary>
public static partial class DocSnippets
{
    /// <summary>The marker, on the line before a fence, of a snippet that is deliberately not compiled (say why after it).</summary>
    public const string NotCompiledMarker = "<!-- snippet: not compiled";

    /// <summary>Gets the repository root (the folder holding ImageGen.Sdk.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Gets every compiled snippet of README.md and docs/**/*.md.</summary>
    public static IEnumerable<DocSnippet> All()
    {
        List<string> files = [Path.Combine(RepositoryRoot, "README.md")];
        files.AddRange(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(RepositoryRoot, file).Replace('\\', '/');
            foreach (DocSnippet snippet in Read(relative, File.ReadAllLines(file)))
            {
                yield return snippet;
            }
        }
    }

    /// <summary>Reads the fenced csharp blocks of one file, leaving out those marked as not compiled.</summary>
    public static IEnumerable<DocSnippet> Read(string relativePath, IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            if (!Fence().IsMatch(lines[i]))
            {
                continue;
            }

            bool skipped = i > 0 && lines[i - 1].TrimStart().StartsWith(NotCompiledMarker, StringComparison.Ordinal);
            int start = i + 1;
            int end = start;
            while (end < lines.Count && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (!skipped)
            {
                yield return new DocSnippet(relativePath, start + 1, string.Join('\n', lines.Skip(start).Take(end - start)), relativePath == "README.md");
            }

            i = end;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImageGen.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ImageGen.Sdk.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Fence();
}
