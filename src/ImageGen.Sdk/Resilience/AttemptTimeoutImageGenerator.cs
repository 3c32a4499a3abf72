using Polly;
using Polly.Timeout;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Abandons one provider attempt that takes longer than a time-out (Polly.Core timeout strategy) and reports it as a
/// transient <see cref="ImageGenerationErrorKind.Timeout"/>, which retry may try again.
/// </summary>
/// <remarks>The provider sees a cancelled token, so the HTTP request is aborted rather than left running. The
/// caller's own cancellation passes through unchanged.</remarks>
public sealed class AttemptTimeoutImageGenerator : DelegatingImageGenerator
{
    private readonly string? _provider;
    private readonly TimeSpan _timeout;
    private readonly ResiliencePipeline<ImageGenerationResult> _pipeline;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider client (or the layers just above it).</param>
    /// <param name="timeout">How long one attempt may take (10 ms to 24 h).</param>
    /// <param name="provider">The provider name, for errors.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is out of range.</exception>
    public AttemptTimeoutImageGenerator(IImageGenerator innerGenerator, TimeSpan timeout, string? provider = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromHours(24));
        _provider = provider;
        _timeout = timeout;
        _pipeline = new ResiliencePipelineBuilder<ImageGenerationResult> { TimeProvider = timeProvider ?? TimeProvider.System, Name = "ImageGen.AttemptTimeout", InstanceName = provider }
            .AddTimeout(timeout)
            .Build();
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Outcome<ImageGenerationResult> outcome = await PipelineExecution.ExecuteAsync(_pipeline, InnerGenerator, request, cancellationToken).ConfigureAwait(false);

        if (outcome.Exception is TimeoutRejectedException)
        {
            throw new ImageGenerationException(
                ImageGenerationErrorKind.Timeout,
                $"Provider '{_provider ?? "(unnamed)"}' did not answer within the attempt timeout of {_timeout}.")
            {
                Provider = _provider,
            };
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }
}
