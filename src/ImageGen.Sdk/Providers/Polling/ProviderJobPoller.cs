using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// Polls a job a provider accepted (fal queue, Black Forest Labs, Replicate) until it completes: a growing wait
/// between polls that a server hint replaces, transient poll failures retried, one overall deadline, progress
/// reports, and on cancellation or deadline a best-effort cancel of the remote job.
/// </summary>
/// <remarks>
/// The poller never sees the submit: the billed POST is made once by the provider, and only the status polls (GETs,
/// safe to repeat) are retried here. The cancel call runs with its own short time-out, never with the caller's
/// cancelled token, and is made at most once per job. Thread-safe; one instance serves every job of a client.
/// </remarks>
public sealed class ProviderJobPoller
{
    private readonly string _provider;
    private readonly ProviderJobPollingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new poller.</summary>
    /// <param name="providerName">The provider name, for messages and logs.</param>
    /// <param name="options">The polling options; copied and checked now.</param>
    /// <param name="timeProvider">The clock for waits and the deadline; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> is blank or an option is out of range.</exception>
    public ProviderJobPoller(string providerName, ProviderJobPollingOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _provider = providerName;
        _options = options.Clone();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Polls until the job completes.</summary>
    /// <typeparam name="T">What a completed poll returns.</typeparam>
    /// <param name="poll">One status poll: returns pending or completed, throws an <see cref="ImageGenerationException"/> for a failed job or a failed poll.</param>
    /// <param name="cancelJob">Cancels the job at the provider, or <see langword="null"/> when the provider cannot.</param>
    /// <param name="progress">Receives each new progress report; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it also cancels the remote job.</param>
    /// <returns>What the completed poll returned.</returns>
    /// <exception cref="ImageGenerationException">
    /// The job failed (as the poll reported), polls kept failing, or the job passed <see cref="ProviderJobPollingOptions.Timeout"/>
    /// (<see cref="ImageGenerationErrorKind.Timeout"/>).
    /// </exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<T> PollAsync<T>(
        Func<CancellationToken, Task<ProviderJobStatus<T>>> poll,
        Func<CancellationToken, Task>? cancelJob,
        IProgress<ImageGenerationProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenSource deadline = new(_options.Timeout, _timeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        TimeSpan interval = _options.InitialInterval;
        ImageGenerationProgress? last = null;
        int failures = 0;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _timeProvider, linked.Token).ConfigureAwait(false);
                ProviderJobStatus<T> status;
                try
                {
                    status = await poll(linked.Token).ConfigureAwait(false);
                    failures = 0;
                }
                catch (ImageGenerationException ex) when (ex.IsTransient && !linked.IsCancellationRequested && ++failures < _options.MaxConsecutivePollFailures)
                {
                    // A status poll is a GET: repeating it bills nothing.
                    interval = ex.RetryAfter ?? Grow(interval);
                    ProviderHttpLog.PollFailed(_logger, _provider, ex.Kind, (long)interval.TotalMilliseconds);
                    continue;
                }
                catch (ImageGenerationException ex) when (ex.IsTransient && !linked.IsCancellationRequested)
                {
                    // Polls kept failing: the job is abandoned, so stop it where the provider allows.
                    await CancelRemoteAsync(cancelJob).ConfigureAwait(false);
                    throw;
                }

                if (status.IsCompleted)
                {
                    return status.Result!;
                }

                if (status.Progress is { } report && report != last)
                {
                    last = report;
                    progress?.Report(report with { Provider = _provider });
                }

                interval = status.RetryAfter ?? Grow(interval);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelRemoteAsync(cancelJob).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
        {
            await CancelRemoteAsync(cancelJob).ConfigureAwait(false);
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"{_provider} did not finish the job within {_options.Timeout}; it was cancelled.", ex)
            {
                Provider = _provider,
            };
        }
    }

    private TimeSpan Grow(TimeSpan interval)
    {
        double next = interval.TotalMilliseconds * _options.BackoffFactor;
        return next >= _options.MaxInterval.TotalMilliseconds ? _options.MaxInterval : TimeSpan.FromMilliseconds(next);
    }

    private async Task CancelRemoteAsync(Func<CancellationToken, Task>? cancelJob)
    {
        if (cancelJob is null)
        {
            return;
        }

        // Its own short time-out: the caller's token is already cancelled, and the cancel must still go out.
        using CancellationTokenSource timeout = new(_options.CancelTimeout, _timeProvider);
        try
        {
            await cancelJob(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ImageGenerationException or HttpRequestException or IOException or OperationCanceledException)
        {
            ProviderHttpLog.CancelFailed(_logger, _provider, ex);
        }
    }
}
