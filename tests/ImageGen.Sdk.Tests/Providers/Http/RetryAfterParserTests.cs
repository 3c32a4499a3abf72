using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.TestSupport;

namespace ImageGen.Sdk.Tests.Providers.Http;

public class RetryAfterParserTests
{
    [TestCase("34s", 34_000)]
    [TestCase("0.5s", 500)]
    [TestCase("1.25S", 1_250)]
    [TestCase("250ms", 250)]
    [TestCase("12", 12_000)]
    [TestCase(" 3s ", 3_000)]
    public void Body_durations_are_read_as_seconds_or_milliseconds(string text, int expectedMs)
        => Assert.That(RetryAfterParser.FromDuration(text), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("soon")]
    [TestCase("-3s")]
    [TestCase("999999999s")]
    public void Unreadable_negative_or_absurd_durations_are_null(string? text)
        => Assert.That(RetryAfterParser.FromDuration(text), Is.Null);

    [Test]
    public void Retry_after_values_read_seconds_and_dates_and_refuse_garbage()
    {
        ManualTimeProvider time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

        Assert.That(RetryAfterParser.FromRetryAfterValue("120", time), Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(RetryAfterParser.FromRetryAfterValue("Wed, 02 Dec 2026 08:00:45 GMT", time), Is.EqualTo(TimeSpan.FromSeconds(45)));
        Assert.That(RetryAfterParser.FromRetryAfterValue("Wed, 02 Dec 2026 07:00:00 GMT", time), Is.EqualTo(TimeSpan.Zero));
        Assert.That(RetryAfterParser.FromRetryAfterValue("-5", time), Is.Null);
        Assert.That(RetryAfterParser.FromRetryAfterValue("later", time), Is.Null);
        Assert.That(RetryAfterParser.FromRetryAfterValue("Sat, 02 Dec 2028 08:00:00 GMT", time), Is.Null, "a date years away is not believed");
    }
}
