using System.Net;
using System.Reflection;
using ImageGen.Sdk.Tests.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Abstractions;

public sealed class ImageGenerationResultCopyTests
{
    [Test]
    public void The_copy_constructor_copies_every_property()
    {
        ImageGenerationResult source = new([new GeneratedImage(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png)], "openai", "gpt-image-1")
        {
            FromCache = true,
            IsStale = true,
            Attempts = 3,
            Usage = new ImageUsage { TotalTokens = 10 },
            EstimatedCostUsd = 0.04m,
            IsCostEstimated = true,
            ProviderRequestId = "req_1",
            Elapsed = TimeSpan.FromSeconds(2),
            Warnings = ["adapted"],
            RateLimit = new ProviderRateLimitInfo { RemainingRequests = 0, ResetRequests = TimeSpan.FromSeconds(2) },
        };

        ImageGenerationResult copy = new(source);

        // Reflection so that a property added later without a line in the copy constructor fails here.
        foreach (PropertyInfo property in typeof(ImageGenerationResult).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value = property.GetValue(source);
            Assert.That(value, Is.Not.Null.And.Not.EqualTo(DefaultOf(property.PropertyType)), $"the test sets {property.Name}");
            Assert.That(property.GetValue(copy), Is.SameAs(value).Or.EqualTo(value), property.Name);
        }
    }

    // Not only the 429 (see OpenAIRateLimitHeadersTests): every error status the client classifies carries the numbers
    // its response reported, so the key layer can cool a key from a 400 or a 500 that says 0 tokens remain.
    [TestCase(HttpStatusCode.BadRequest, ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(HttpStatusCode.Unauthorized, ImageGenerationErrorKind.Authentication)]
    [TestCase(HttpStatusCode.Forbidden, ImageGenerationErrorKind.PermissionDenied)]
    [TestCase(HttpStatusCode.TooManyRequests, ImageGenerationErrorKind.RateLimited)]
    [TestCase(HttpStatusCode.InternalServerError, ImageGenerationErrorKind.ServerError)]
    [TestCase(HttpStatusCode.ServiceUnavailable, ImageGenerationErrorKind.ServerError)]
    public void An_exception_carries_the_rate_limit_numbers_of_its_response(HttpStatusCode status, ImageGenerationErrorKind kind)
    {
        using OpenAIMock mock = new();
        mock.Enqueue(
            status,
            """{"error":{"message":"no","type":"x","param":null,"code":null}}""",
            ("x-ratelimit-limit-tokens", "1000"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-tokens", "20ms"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(kind));
        Assert.That(ex.RateLimit, Is.Not.Null, "the numbers of the response that failed");
        Assert.That(ex.RateLimit!.LimitTokens, Is.EqualTo(1000));
        Assert.That(ex.RateLimit.RemainingTokens, Is.EqualTo(0));
        Assert.That(ex.RateLimit.ResetTokens, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(ex.RateLimit.RemainingRequests, Is.Null, "a header the response did not send stays unknown");
    }

    private static object? DefaultOf(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}
