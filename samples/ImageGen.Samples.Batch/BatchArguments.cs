using System.Globalization;
using System.Text;
using ImageGen.Sdk;

namespace ImageGen.Samples.Batch;

/// <summary>The command line: the prompts file, how many images run at once, and the image size.</summary>
internal sealed record BatchArguments(string PromptsFile, int Parallelism, ImageSize Size)
{
    public static BatchArguments Parse(string[] args)
    {
        string file = Path.Combine(AppContext.BaseDirectory, "prompts.txt");
        int parallelism = 4;
        ImageSize size = new(512, 512);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--parallel" when i + 1 < args.Length:
                    parallelism = int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 32
                        ? n
                        : throw new ArgumentException($"--parallel takes a number from 1 to 32, not '{args[i]}'.");
                    break;
                case "--size" when i + 1 < args.Length:
                    size = ImageSize.Parse(args[++i]);
                    break;
                case { } other when !other.StartsWith("--", StringComparison.Ordinal):
                    file = Path.GetFullPath(other);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }

        return new BatchArguments(file, parallelism, size);
    }

    /// <summary>Reads one prompt a line, skipping blank lines and # comments.</summary>
    public static IReadOnlyList<string> ReadPrompts(string path)
        => [.. File.ReadLines(path).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'))];

    /// <summary>A file name from the prompt's position and its first words: <c>03-a-bowl-of-ramen</c> (the extension follows the media type).</summary>
    public static string FileName(int index, string prompt)
    {
        StringBuilder slug = new();
        foreach (char c in prompt.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= 40)
            {
                break;
            }
        }

        return $"{index + 1:00}-{slug.ToString().Trim('-')}";
    }
}
