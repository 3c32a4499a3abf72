using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageGen.Sdk.Docs.Tests;

/// <summary>
/// Compiles a snippet as a console app would: README snippets exactly as pasted (with a console app's implicit
/// usings only); docs snippets without <c>using</c> lines also get the SDK's namespaces and the context variables
/// they use without declaring (<c>services</c>, <c>images</c>, <c>ct</c>, ...).
/// </summary>
public static partial class SnippetCompiler
{
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] ContextUsings =
    [
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging", "Microsoft.Extensions.Options",
    ];

    // A variable a docs snippet may use without declaring, and how the wrapper declares it.
    private static readonly (string Name, string Declaration)[] ContextVariables =
    [
        ("services", "Microsoft.Extensions.DependencyInjection.IServiceCollection services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();"),
        ("builder", "Microsoft.Extensions.Hosting.HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();"),
        ("images", "ImageGen.Sdk.IImageGenerator images = null!;"),
        ("generator", "ImageGen.Sdk.IImageGenerator generator = null!;"),
        ("inner", "ImageGen.Sdk.IImageGenerator inner = null!;"),
        ("provider", "ImageGen.Sdk.IImageGenerator provider = null!;"),
        ("request", "ImageGen.Sdk.ImageGenerationRequest request = new(\"a prompt\");"),
        ("result", "ImageGen.Sdk.ImageGenerationResult result = null!;"),
        ("httpClient", "HttpClient httpClient = new();"),
        ("ct", "CancellationToken ct = default;"),
        ("cancellationToken", "CancellationToken cancellationToken = default;"),
        ("sp", "IServiceProvider sp = null!;"),
        ("serviceProvider", "IServiceProvider serviceProvider = null!;"),
        ("configuration", "Microsoft.Extensions.Configuration.IConfiguration configuration = null!;"),
        ("logger", "Microsoft.Extensions.Logging.ILogger logger = null!;"),
        ("apiKey", "string apiKey = \"sk-test\";"),
        ("key", "string key = \"sk-test\";"),
        ("client", "ImageGen.Sdk.IImageGenerator client = null!;"),
        ("cache", "ImageGen.Sdk.Caching.ImageCache cache = null!;"),
        ("app", "Microsoft.AspNetCore.Builder.WebApplication app = null!;"),
        ("popularRequests", "IEnumerable<ImageGen.Sdk.ImageGenerationRequest> popularRequests = [];"),
        ("CreateFoundryImageGenerator", "static Microsoft.Extensions.AI.IImageGenerator CreateFoundryImageGenerator(IServiceProvider sp) => null!;"),
    ];

    private static readonly Lazy<MetadataReference[]> References = new(LoadReferences);
    private static readonly Lazy<string[]> SdkNamespaces = new(LoadSdkNamespaces);

    /// <summary>Compiles the snippet and returns its errors (none when it compiles).</summary>
    public static IReadOnlyList<string> Compile(DocSnippet snippet)
    {
        string source = BuildSource(snippet);
        CSharpParseOptions parse = new(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source, parse, path: snippet.File)],
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable,
                // Microsoft.Extensions.AI's image types are experimental; apps that use them suppress this too.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["MEAI001"] = ReportDiagnostic.Suppress }));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS5001") // a snippet of type declarations only has no entry point
            .Select(d => $"{d.Id} line {d.Location.GetMappedLineSpan().StartLinePosition.Line + 1}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
    }

    /// <summary>Builds the compilation unit for a snippet (public for the failure message).</summary>
    public static string BuildSource(DocSnippet snippet)
    {
        StringBuilder source = new();
        foreach (string ns in ImplicitUsings)
        {
            source.Append("global using ").Append(ns).AppendLine(";");
        }

        if (!snippet.IsReadme)
        {
            // A docs snippet with its own using lines shows them; one without gets the SDK's namespaces.
            if (!UsingLine().IsMatch(snippet.Code))
            {
                foreach (string ns in ContextUsings.Concat(SdkNamespaces.Value))
                {
                    source.Append("global using ").Append(ns).AppendLine(";");
                }
            }

        }

        StringBuilder declarations = new();
        foreach ((string name, string declaration) in snippet.IsReadme ? [] : ContextVariables)
        {
            if (Regex.IsMatch(snippet.Code, $@"(?<![\w.""]){name}\b") && !Declares(snippet.Code, name))
            {
                declarations.AppendLine(declaration);
            }
        }

        // The snippet's own using lines go first (they must precede the declarations above); blank lines keep its numbering.
        string[] lines = snippet.Code.Split('\n');
        StringBuilder usings = new();
        for (int i = 0; i < lines.Length && (UsingLine().IsMatch(lines[i]) || string.IsNullOrWhiteSpace(lines[i])); i++)
        {
            usings.AppendLine(lines[i]);
            lines[i] = string.Empty;
        }

        return "#line hidden\n" + source + "#line 1\n" + usings + "#line hidden\n" + declarations + "#line 1\n" + string.Join('\n', lines);
    }

    // "Type name =", "var name", "Type name;", or a lambda parameter "name =>" / "(a, name) =>".
    private static bool Declares(string code, string name)
        => Regex.IsMatch(code, $@"\b(var|string|int|long|bool|decimal|[A-Z][\w<>?,.\[\]]*)\s+{name}\s*(=|;|\))")
            || Regex.IsMatch(code, $@"\b{name}\s*=>")
            || Regex.IsMatch(code, $@"\(\s*([\w\s]+,\s*)*{name}\s*(,[\w\s,]*)?\)\s*=>");

    private static string[] LoadSdkNamespaces()
        => [.. new[] { typeof(IImageGenerator).Assembly, typeof(Testing.FakeImageGenerator).Assembly, Assembly.Load("ImageGen.Sdk.Extensions.AI"), Assembly.Load("ImageGen.Sdk.AspNetCore") }
            .SelectMany(a => a.GetExportedTypes())
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith("ImageGen.Sdk", StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    private static MetadataReference[] LoadReferences()
    {
        // The framework (with ASP.NET Core) and every assembly next to the tests: the SDK packages and Microsoft.Extensions.*.
        Dictionary<string, string> paths = new(StringComparer.OrdinalIgnoreCase);
        foreach (string path in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }

        foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (!name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && !name.Contains("nunit", StringComparison.OrdinalIgnoreCase))
            {
                paths.TryAdd(name, path);
            }
        }

        return [.. paths.Values.Where(IsManagedAssembly).Select(p => MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\s*using\s+[\w.]+\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
