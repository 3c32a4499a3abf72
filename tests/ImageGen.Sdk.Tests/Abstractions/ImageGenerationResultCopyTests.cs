using System.Reflection;

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

    [Test]
    public void An_exception_carries_the_rate_limit_numbers()
    {
        ProviderRateLimitInfo info = new() { LimitTokens = 1000, RemainingTokens = 0, ResetTokens = TimeSpan.FromMilliseconds(20) };

        ImageGenerationException ex = new(ImageGenerationErrorKind.RateLimited, "slow down") { RateLimit = info };

        Assert.That(ex.RateLimit, Is.SameAs(info));
        Assert.That(new ImageGenerationException("x").RateLimit, Is.Null);
    }

    private static object? DefaultOf(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}
