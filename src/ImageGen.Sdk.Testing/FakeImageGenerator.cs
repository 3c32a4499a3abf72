using System.Collections.Concurrent;

namespace ImageGen.Sdk.Testing;

/// <summary>
/// A scripted <see cref="IImageGenerator"/> for unit tests of code that takes one: queue results and exceptions
/// with the <c>Then…</c> methods, and read back every call from <see cref="Calls"/>.
/// </summary>
/// <remarks>
/// Scripted outcomes are used in order, one per call; when the script is empty, <see cref="Default"/> answers (by
/// default a success with one small PNG per requested image, of the requested size). Thread-safe.
/// <code>
/// FakeImageGenerator images = new FakeImageGenerator()
///     .ThenFail(ImageGenerationErrorKind.RateLimited, statusCode: 429, retryAfter: TimeSpan.FromSeconds(2))
///     .ThenSucceed();
/// CoverService service = new(images);
/// </code>
/// </remarks>
public sealed class FakeImageGenerator : IImageGenerator
{
    private readonly ConcurrentQueue<Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>>> _script = new();
    private readonly ConcurrentQueue<FakeImageGeneratorCall> _calls = new();
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="providerName">The provider name results and failures carry.</param>
    /// <param name="model">The model results carry when the request names none.</param>
    /// <param name="timeProvider">The clock for <see cref="FakeImageGeneratorCall.At"/>; <see langword="null"/> for the system clock.</param>
    public FakeImageGenerator(string providerName = "fake", string model = "fake-model", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ProviderName = providerName;
        Model = model;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Default = (request, _) => Task.FromResult(CreateResult(request));
    }

    /// <summary>Gets the provider name results and failures carry.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the model results carry when the request names none.</summary>
    public string Model { get; }

    /// <summary>Gets or sets what answers a call when the script is empty.</summary>
    /// <value>A success with one PNG per requested image.</value>
    public Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>> Default { get; set; }

    /// <summary>Gets every call received, in arrival order.</summary>
    public IReadOnlyList<FakeImageGeneratorCall> Calls => [.. _calls];

    /// <summary>Gets how many calls were received.</summary>
    public int CallCount => _calls.Count;

    /// <summary>Gets how many scripted outcomes are still queued.</summary>
    public int Remaining => _script.Count;

    /// <summary>Queues a success built from the request (one PNG per requested image).</summary>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator ThenSucceed() => Then((request, _) => Task.FromResult(CreateResult(request)));

    /// <summary>Queues <paramref name="result"/> as the answer to one call.</summary>
    /// <param name="result">The result.</param>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator ThenReturn(ImageGenerationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Then((_, _) => Task.FromResult(result));
    }

    /// <summary>Queues <paramref name="exception"/> as the outcome of one call.</summary>
    /// <param name="exception">The exception, thrown from the returned task.</param>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator ThenThrow(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Then((_, _) => Task.FromException<ImageGenerationResult>(exception));
    }

    /// <summary>Queues a provider failure of <paramref name="kind"/> as the outcome of one call.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="statusCode">The HTTP status it came with, or <see langword="null"/>.</param>
    /// <param name="retryAfter">The delay the provider asked for, or <see langword="null"/>.</param>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator ThenFail(ImageGenerationErrorKind kind, int? statusCode = null, TimeSpan? retryAfter = null)
        => ThenThrow(new ImageGenerationException(kind, $"{ProviderName} failed: {kind} (scripted)")
        {
            Provider = ProviderName,
            StatusCode = statusCode,
            RetryAfter = retryAfter,
        });

    /// <summary>Queues a call that waits until the caller cancels, for tests of time-outs and cancellation.</summary>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator ThenHang() => Then(async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException("unreachable");
    });

    /// <summary>Queues a custom outcome for one call.</summary>
    /// <param name="outcome">Produces the outcome from the request and the caller's token.</param>
    /// <returns>This generator, to chain.</returns>
    public FakeImageGenerator Then(Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>> outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _script.Enqueue(outcome);
        return this;
    }

    /// <inheritdoc />
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        _calls.Enqueue(new FakeImageGeneratorCall(request, _timeProvider.GetUtcNow(), cancellationToken));
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ImageGenerationResult>(cancellationToken);
        }

        return _script.TryDequeue(out var next) ? next(request, cancellationToken) : Default(request, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ImageGeneratorMetadata))
        {
            return new ImageGeneratorMetadata(ProviderName, "Fake", Model, [], null);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Creates the default success for <paramref name="request"/>: one PNG per requested image, of the requested size (64x64 without one).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The result.</returns>
    public ImageGenerationResult CreateResult(ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int width = request.Size?.Width ?? 64;
        int height = request.Size?.Height ?? 64;
        byte[] png = TestPng.Create(width, height);
        GeneratedImage[] images = [.. Enumerable.Range(0, request.Count).Select(_ => new GeneratedImage(png, ImageMediaTypes.Png) { Width = width, Height = height })];
        return new ImageGenerationResult(images, ProviderName, request.Model ?? Model);
    }
}
