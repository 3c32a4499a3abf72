// Batch: one image per prompt of a file, a few at a time, with a live progress display, the images written under
// output/batch/ and a summary table (generated, from cache, failed by kind, attempts, rate-limit waits, cost).
// Offline it uses the Local provider configured in appsettings.json; with OPENAI_API_KEY set it calls OpenAI.
// Run it twice: the second run is served from the disk cache (output/batch-cache) and costs nothing.
//
//   dotnet run --project samples/ImageGen.Samples.Batch -- [prompts.txt] [--parallel 4] [--size 512x512]
using ImageGen.Samples.Batch;
using ImageGen.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

BatchArguments arguments;
try
{
    arguments = BatchArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: ImageGen.Samples.Batch [prompts-file] [--parallel N] [--size WxH]");
    return 2;
}

IReadOnlyList<string> prompts = BatchArguments.ReadPrompts(arguments.PromptsFile);
if (prompts.Count == 0)
{
    Console.Error.WriteLine($"no prompts in {arguments.PromptsFile}");
    return 2;
}

// appsettings.json sits next to the executable, so the sample finds it whatever the working directory is.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddImageGeneration();
if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } openAiKey)
{
    // A key in the environment switches the batch to OpenAI; appsettings.json only configures the offline provider.
    builder.Services.Configure<ImageGenerationOptions>(o =>
    {
        o.Providers["openai"] = new ImageProviderOptions { Type = ImageProviderTypes.OpenAI, ApiKey = openAiKey };
        o.DefaultProvider = "openai";
    });
}

using IHost host = builder.Build();
await host.StartAsync();
IImageGenerator generator = host.Services.GetRequiredService<IImageGenerator>();
using RateLimitWaitListener waits = new();
string outputFolder = Path.GetFullPath(Path.Combine("output", "batch"));
Directory.CreateDirectory(outputFolder);

BatchOutcome[] outcomes = new BatchOutcome[prompts.Count];
await AnsiConsole.Progress()
    .AutoClear(false)
    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
    .StartAsync(async context =>
    {
        ProgressTask overall = context.AddTask("[bold]all images[/]", maxValue: prompts.Count);
        ProgressTask[] rows = [.. prompts.Select((prompt, i) => context.AddTask(Label(i, "queued"), maxValue: 100))];
        ParallelOptions parallel = new() { MaxDegreeOfParallelism = arguments.Parallelism };
        await Parallel.ForEachAsync(Enumerable.Range(0, prompts.Count), parallel, async (i, ct) =>
        {
            ProgressTask row = rows[i];
            row.Description = Label(i, "generating");
            row.IsIndeterminate = true;
            ImageGenerationRequest request = new(prompts[i])
            {
                Size = arguments.Size,
                Progress = new StageReporter(stage => row.Description = Label(i, stage)),
            };
            BatchOutcome outcome = await BatchOutcome.RunAsync(i, generator, request, Path.Combine(outputFolder, BatchArguments.FileName(i, prompts[i])), ct);
            outcomes[i] = outcome;
            row.IsIndeterminate = false;
            row.Value = row.MaxValue;
            row.Description = Label(i, outcome.Status);
            overall.Increment(1);
        });
    });

BatchSummary summary = BatchSummary.From(outcomes, waits.Count, waits.Total);
AnsiConsole.Write(summary.ToTable());
foreach (BatchOutcome failed in outcomes.Where(o => o.Error is not null))
{
    AnsiConsole.MarkupLineInterpolated($"[red]failed[/] #{failed.Index + 1}: {failed.Error}");
}

// A plain line for scripts (CI checks that a second run is served from the cache).
Console.WriteLine($"batch: {summary.Total} prompts, {summary.Generated} generated, {summary.FromCache} from cache, {summary.Failed} failed; images in {outputFolder}");
await host.StopAsync();
return summary.Failed == 0 ? 0 : 1;

string Label(int index, string status)
{
    string prompt = prompts[index].Length > 40 ? prompts[index][..39] + "…" : prompts[index];
    return $"#{index + 1,-2} {Markup.Escape(prompt),-40} [grey]{Markup.Escape(status)}[/]";
}
