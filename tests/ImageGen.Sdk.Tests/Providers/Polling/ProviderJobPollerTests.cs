using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.TestSupport;

namespace ImageGen.Sdk.Tests.Providers.Polling;

public class ProviderJobPollerTests
{
    private static readonly ProviderJobPollingOptions Options = new()
    {
        InitialInterval = TimeSpan.FromSeconds(1),
        MaxInterval = TimeSpan.FromSeconds(4),
        BackoffFactor = 2,
        Timeout = TimeSpan.FromSeconds(60),
        CancelTimeout = TimeSpan.FromSeconds(5),
        MaxConsecutivePollFailures = 3,
    };

    private ManualTimeProvider _time = null!;
    private ProviderJobPoller _poller = null!;
    private List<ImageGenerationProgress> _reports = null!;
    private List<TimeSpan> _pollTimes = null!;
    private DateTimeOffset _start;

    [SetUp]
    public void SetUp()
    {
        _time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        _start = _time.GetUtcNow();
        _poller = new ProviderJobPoller("fal", Options, _time);
        _reports = [];
        _pollTimes = [];
    }

    [Test]
    public async Task Queued_then_running_then_done_reports_each_state_and_returns_the_result_with_a_growing_wait()
    {
        Queue<ProviderJobStatus<string>> statuses = new([
            ProviderJobStatus.Pending<string>(ImageGenerationProgress.Queued(3)),
            ProviderJobStatus.Pending<string>(ImageGenerationProgress.Queued(3)),
            ProviderJobStatus.Pending<string>(ImageGenerationProgress.Running(40)),
            ProviderJobStatus.Completed("https://cdn.fal.example/out.png"),
        ]);

        Task<string> job = _poller.PollAsync(_ => Poll(statuses.Dequeue()), null, new SyncProgress(_reports), CancellationToken.None);
        string result = await DriveAsync(job);

        Assert.That(result, Is.EqualTo("https://cdn.fal.example/out.png"));
        Assert.That(_pollTimes, Is.EqualTo(new[] { Seconds(1), Seconds(3), Seconds(7), Seconds(11) }), "waits of 1, 2, 4 and then at most 4 s");
        Assert.That(_reports.Select(r => (r.Stage, r.QueuePosition, r.Percent)), Is.EqualTo(new[]
        {
            (ImageGenerationStage.Queued, (int?)3, (double?)null),
            (ImageGenerationStage.Running, (int?)null, (double?)40),
        }), "a repeated state is reported once");
        Assert.That(_reports.Select(r => r.Provider), Is.All.EqualTo("fal"));
    }

    [Test]
    public async Task A_server_hint_replaces_the_back_off_for_the_next_poll()
    {
        Queue<ProviderJobStatus<int>> statuses = new([ProviderJobStatus.Pending<int>(retryAfter: Seconds(7)), ProviderJobStatus.Completed(42)]);

        int result = await DriveAsync(_poller.PollAsync(_ => Poll(statuses.Dequeue()), null, null, CancellationToken.None));

        Assert.That(result, Is.EqualTo(42));
        Assert.That(_pollTimes, Is.EqualTo(new[] { Seconds(1), Seconds(8) }));
    }

    [Test]
    public void A_failed_job_fails_the_call_without_a_cancel_request()
    {
        int cancels = 0;
        ImageGenerationException failure = new(ImageGenerationErrorKind.ContentFiltered, "fal reported the job failed: nsfw") { Provider = "fal", StatusCode = 200 };

        Task<string> job = _poller.PollAsync<string>(_ => throw failure, _ => { cancels++; return Task.CompletedTask; }, null, CancellationToken.None);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => DriveAsync(job))!;
        Assert.That(ex, Is.SameAs(failure));
        Assert.That(cancels, Is.Zero);
    }

    [Test]
    public async Task A_transient_poll_failure_is_polled_again_and_its_RetryAfter_is_honoured()
    {
        int polls = 0;
        Task<string> job = _poller.PollAsync(
            _ => ++polls == 1
                ? throw new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "429") { StatusCode = 429, RetryAfter = Seconds(5) }
                : Poll(ProviderJobStatus.Completed("done")),
            null,
            null,
            CancellationToken.None);

        Assert.That(await DriveAsync(job), Is.EqualTo("done"));
        Assert.That(polls, Is.EqualTo(2));
        Assert.That(_time.GetUtcNow() - _start, Is.EqualTo(Seconds(6)));
    }

    [Test]
    public void Polls_that_keep_failing_give_up_with_the_last_failure_and_cancel_the_job()
    {
        int polls = 0;
        int cancels = 0;
        Task<string> job = _poller.PollAsync<string>(
            _ => throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "502 #" + ++polls) { StatusCode = 502 },
            _ => { cancels++; return Task.CompletedTask; },
            null,
            CancellationToken.None);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => DriveAsync(job))!;
        Assert.That(ex.Message, Is.EqualTo("502 #3"));
        Assert.That(cancels, Is.EqualTo(1));
    }

    [Test]
    public void The_deadline_fails_the_call_with_Timeout_and_cancels_the_job_once()
    {
        int cancels = 0;
        Task<string> job = _poller.PollAsync(_ => Poll(ProviderJobStatus.Pending<string>(ImageGenerationProgress.Running())), _ => { cancels++; return Task.CompletedTask; }, null, CancellationToken.None);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => DriveAsync(job))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(ex.Provider, Is.EqualTo("fal"));
        Assert.That(cancels, Is.EqualTo(1));
        Assert.That(_time.GetUtcNow() - _start, Is.EqualTo(Seconds(60)));
    }

    [Test]
    public async Task Cancelling_mid_poll_sends_one_cancel_request_with_its_own_live_token()
    {
        using CancellationTokenSource caller = new();
        List<CancellationToken> cancelTokens = [];
        Task<string> job = _poller.PollAsync(
            _ =>
            {
                if (_pollTimes.Count == 2)
                {
                    caller.Cancel();
                }

                return Poll(ProviderJobStatus.Pending<string>(ImageGenerationProgress.Queued(0)));
            },
            token =>
            {
                cancelTokens.Add(token);
                return Task.CompletedTask;
            },
            null,
            caller.Token);

        Assert.That(async () => await DriveAsync(job), Throws.InstanceOf<OperationCanceledException>());
        await TestWait.SettleAsync();
        Assert.That(cancelTokens, Has.Count.EqualTo(1));
        Assert.That(cancelTokens[0].IsCancellationRequested, Is.False, "the cancel call never gets the caller's cancelled token");
        Assert.That(cancelTokens[0].CanBeCanceled, Is.True, "it has its own time-out");
    }

    [Test]
    public async Task A_cancel_request_that_fails_does_not_replace_the_cancellation()
    {
        using CancellationTokenSource caller = new();
        Task<string> job = _poller.PollAsync(
            _ =>
            {
                caller.Cancel();
                return Poll(ProviderJobStatus.Pending<string>());
            },
            _ => throw new HttpRequestException("connection refused"),
            null,
            caller.Token);

        Assert.That(async () => await DriveAsync(job), Throws.InstanceOf<OperationCanceledException>());
        await TestWait.SettleAsync();
    }

    [Test]
    public void Options_out_of_range_are_refused()
    {
        Assert.That(() => new ProviderJobPoller("p", new ProviderJobPollingOptions { InitialInterval = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ProviderJobPoller("p", new ProviderJobPollingOptions { MaxInterval = TimeSpan.FromMilliseconds(1) }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ProviderJobPoller("p", new ProviderJobPollingOptions { BackoffFactor = 0.5 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ProviderJobPoller("p", new ProviderJobPollingOptions { MaxConsecutivePollFailures = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private Task<ProviderJobStatus<T>> Poll<T>(ProviderJobStatus<T> status)
    {
        _pollTimes.Add(_time.GetUtcNow() - _start);
        return Task.FromResult(status);
    }

    /// <summary>
    /// Moves fake time one second at a time whenever the poller waits on the clock (its deadline timer plus one
    /// delay), until the job ends; bounded by <see cref="TestWait.Ceiling"/> of real time.
    /// </summary>
    private async Task<T> DriveAsync<T>(Task<T> job)
    {
        while (!job.IsCompleted)
        {
            await TestWait.UntilAsync(() => job.IsCompleted || _time.ActiveTimerCount >= 2, "the poller to wait on the clock");
            if (!job.IsCompleted)
            {
                _time.Advance(Seconds(1));
            }
        }

        return await job;
    }

    private sealed class SyncProgress(List<ImageGenerationProgress> reports) : IProgress<ImageGenerationProgress>
    {
        public void Report(ImageGenerationProgress value) => reports.Add(value);
    }
}
