using System.Globalization;
using Spectre.Console;

namespace ImageGen.Samples.Batch;

/// <summary>The run's figures, read from each <c>ImageGenerationResult</c> and <c>ImageGenerationException</c>.</summary>
internal sealed record BatchSummary(
    int Total,
    int Generated,
    int FromCache,
    IReadOnlyDictionary<string, int> FailedByKind,
    int Attempts,
    int Retries,
    long RateLimitWaits,
    TimeSpan RateLimitWaitTime,
    decimal EstimatedCostUsd,
    decimal CostSavedUsd)
{
    public int Failed => FailedByKind.Values.Sum();

    public static BatchSummary From(IReadOnlyList<BatchOutcome> outcomes, long rateLimitWaits, TimeSpan rateLimitWaitTime)
    {
        var succeeded = outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToList();
        var generated = succeeded.Where(r => !r.FromCache).ToList();
        var cached = succeeded.Where(r => r.FromCache).ToList();
        // Attempts: a cache hit makes none; a failed call reports what the retry layer counted.
        int attempts = generated.Sum(r => r.Attempts) + outcomes.Sum(o => o.FailedAttempts);
        int calls = generated.Count + outcomes.Count(o => o.FailedAttempts > 0);
        return new BatchSummary(
            outcomes.Count,
            generated.Count,
            cached.Count,
            outcomes.Where(o => o.FailureKind is not null).GroupBy(o => o.FailureKind!).ToDictionary(g => g.Key, g => g.Count()),
            attempts,
            attempts - calls,
            rateLimitWaits,
            rateLimitWaitTime,
            generated.Sum(r => r.EstimatedCostUsd ?? 0),
            // For a cache hit EstimatedCostUsd is the cost the hit saved.
            cached.Sum(r => r.EstimatedCostUsd ?? 0));
    }

    public Table ToTable()
    {
        Table table = new Table().Title("[bold]batch summary[/]").AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("prompts", Number(Total));
        table.AddRow("[green]generated[/]", Number(Generated));
        table.AddRow("[blue]from cache[/]", Number(FromCache));
        if (FailedByKind.Count == 0)
        {
            table.AddRow("failed", "0");
        }

        foreach ((string kind, int count) in FailedByKind.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            table.AddRow($"[red]failed: {Markup.Escape(kind)}[/]", Number(count));
        }

        table.AddRow("provider attempts", Number(Attempts));
        table.AddRow("retries", Number(Retries));
        table.AddRow("rate-limit waits", $"{RateLimitWaits.ToString(CultureInfo.InvariantCulture)} ({RateLimitWaitTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        table.AddRow("estimated cost", Usd(EstimatedCostUsd));
        table.AddRow("cost saved by the cache", Usd(CostSavedUsd));
        return table;

        static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        static string Usd(decimal usd) => "$" + usd.ToString("0.0000", CultureInfo.InvariantCulture);
    }
}
