using System.Collections.Concurrent;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>Captures log entries (level, formatted message, structured values) for assertions.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));

    public IEnumerable<string> Messages(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message);

    /// <summary>The waits the retry layer announced, in order.</summary>
    public List<TimeSpan> RetryDelays() => Entries
        .Where(e => e.State.Any(kv => kv.Key == "DelayMs"))
        .Select(e => TimeSpan.FromMilliseconds((long)e.State.First(kv => kv.Key == "DelayMs").Value!))
        .ToList();
}

public static class Clock
{
    /// <summary>
    /// Waits (bounded, without moving fake time) until the code under test has registered at least
    /// <paramref name="count"/> timers, so advancing the clock fires them instead of racing them.
    /// </summary>
    public static Task WaitForTimersAsync(this ManualTimeProvider time, int count)
        => TestWait.UntilAsync(() => time.ActiveTimerCount >= count, () => "the code under test never started its timer");

    /// <summary>Waits (bounded, see <see cref="TestWait"/>) until <paramref name="condition"/> holds.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, Func<string>? describe = null)
        => TestWait.UntilAsync(condition, describe ?? (() => "condition never held"));

    /// <summary>Awaits a call, failing (instead of hanging) when a bug leaves it waiting forever.</summary>
    public static async Task<T> Completed<T>(Task<T> task)
    {
        await WaitUntilAsync(() => task.IsCompleted, () => "the call never completed");
        return await task;
    }

    /// <summary>A handler that never answers until its token is cancelled (a hung provider).</summary>
    public static async Task<ImageGenerationResult> HangAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}

/// <summary>A provider type "Fake" whose clients are <see cref="FakeImageGenerator"/>s, one per provider name.</summary>
public sealed class FakeProviderFactory : IImageProviderFactory
{
    // Stands in for OpenAI, so the shipped OpenAI prices apply (budgets and cost estimates).
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImageGen.Sdk.Providers.OpenAI.OpenAIImagePrices.Models;

    private readonly ConcurrentDictionary<string, FakeImageGenerator> _clients = new(StringComparer.OrdinalIgnoreCase);

    public string ProviderType => "Fake";

    public bool RequiresApiKey => false;

    public FakeImageGenerator Client(string name) => _clients.GetOrAdd(name, n => new FakeImageGenerator(n));

    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
    }

    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options) => new(name, ProviderType, options.DefaultModel ?? "fake-model");

    public IImageGenerator Create(ImageProviderContext context) => Client(context.Name);
}

/// <summary>Builds <c>AddImageGeneration()</c> from in-memory configuration over the "Fake" provider type, on fake time.</summary>
public static class FakeProviderServices
{
    public static ServiceProvider Build(ManualTimeProvider time, FakeProviderFactory factory, Dictionary<string, string?> settings)
    {
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IImageProviderFactory>(factory);
        services.AddImageGeneration();
        return services.BuildServiceProvider();
    }
}
