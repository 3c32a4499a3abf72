using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>Key-rotation layers over fake clients on a manual clock, sharing one store, monitor and log.</summary>
internal sealed class KeyPoolHarness
{
    public ManualTimeProvider Clock { get; init; } = new();

    public InMemoryKeyStateStore Store { get; } = new();

    public ListLogger Logger { get; } = new();

    public KeyPoolMonitor Monitor => field ??= new KeyPoolMonitor(Store, Clock);

    /// <summary>A made-up key of the kind OpenAI issues; its fingerprint ends in the four digits of <paramref name="i"/>.</summary>
    public static string Key(int i) => $"sk-proj-secretsecretsecret{i:0000}";

    public static FakeImageGenerator[] Fakes(int count) => [.. Enumerable.Range(0, count).Select(_ => new FakeImageGenerator("openai"))];

    /// <summary>Builds the layer for provider <c>openai</c> over <paramref name="fakes"/>, key <i>i</i> on fake <i>i</i>.</summary>
    public KeyRotatingImageGenerator Build(FakeImageGenerator[] fakes, KeyRotationStrategy strategy, KeyRotationOptions? options = null)
        => Build(Clients(fakes), options ?? new KeyRotationOptions { Strategy = strategy });

    public KeyRotatingImageGenerator Build(IReadOnlyList<ApiKeyClient> keys, KeyRotationOptions? options = null)
        => new(keys, "openai", options, Store, Monitor, Clock, Logger);

    public static ApiKeyClient[] Clients(FakeImageGenerator[] fakes, int firstKey = 0)
        => [.. fakes.Select((f, i) => new ApiKeyClient(ApiKeyFingerprint.Create(Key(firstKey + i)), f))];
}
