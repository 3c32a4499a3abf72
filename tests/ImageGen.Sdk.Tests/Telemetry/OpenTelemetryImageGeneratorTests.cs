using System.Diagnostics;
using ImageGen.Sdk.Telemetry;
using ImageGen.Sdk.Tests.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ImageGen.Sdk.Tests.Telemetry;

public class OpenTelemetryImageGeneratorTests
{
    private static readonly ImageGeneratorMetadata OpenAIMetadata = new("openai", "OpenAI", "gpt-image-1", [], new Uri("https://api.example.test:8443/v1"));

    [Test]
    public async Task A_successful_call_opens_one_client_span_with_the_gen_ai_attributes()
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new("openai", "gpt-image-1.5") { Metadata = OpenAIMetadata };
        inner.Handler = (request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "openai", "gpt-image-1.5"))
        {
            Usage = new ImageUsage { InputTokens = 50, OutputTokens = 4160 },
            EstimatedCostUsd = 0.167m,
            Attempts = 2,
            ProviderRequestId = "req_123",
        });
        using OpenTelemetryImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("a red fox") { Count = 2, Size = new ImageSize(1024, 1536) });

        Activity span = spans.Only();
        Assert.That(span.DisplayName, Is.EqualTo("generate_content gpt-image-1"));
        Assert.That(span.Kind, Is.EqualTo(ActivityKind.Client));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset));
        Assert.That(span.GetTagItem("gen_ai.operation.name"), Is.EqualTo("generate_content"));
        Assert.That(span.GetTagItem("gen_ai.output.type"), Is.EqualTo("image"));
        Assert.That(span.GetTagItem("gen_ai.provider.name"), Is.EqualTo("openai"));
        Assert.That(span.GetTagItem("gen_ai.request.model"), Is.EqualTo("gpt-image-1"));
        Assert.That(span.GetTagItem("gen_ai.response.model"), Is.EqualTo("gpt-image-1.5"));
        Assert.That(span.GetTagItem("gen_ai.request.choice.count"), Is.EqualTo(2));
        Assert.That(span.GetTagItem("gen_ai.request.image.width"), Is.EqualTo(1024));
        Assert.That(span.GetTagItem("gen_ai.request.image.height"), Is.EqualTo(1536));
        Assert.That(span.GetTagItem("gen_ai.usage.input_tokens"), Is.EqualTo(50L));
        Assert.That(span.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(4160L));
        Assert.That(span.GetTagItem("gen_ai.response.id"), Is.EqualTo("req_123"));
        Assert.That(span.GetTagItem("server.address"), Is.EqualTo("api.example.test"));
        Assert.That(span.GetTagItem("server.port"), Is.EqualTo(8443));
        Assert.That(span.GetTagItem("imagegen.cache.result"), Is.EqualTo("miss"));
        Assert.That(span.GetTagItem("imagegen.attempts"), Is.EqualTo(2));
        Assert.That(span.GetTagItem("imagegen.estimated_cost"), Is.EqualTo(0.167).Within(1e-12));
        Assert.That(span.GetTagItem("error.type"), Is.Null);
    }

    [Test]
    public async Task Provider_on_the_span_is_who_served_the_call_after_fallback()
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new("azure", "gpt-image-1") { Metadata = OpenAIMetadata };
        using OpenTelemetryImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(spans.Only().GetTagItem("gen_ai.provider.name"), Is.EqualTo("azure"));
    }

    [TestCase(true, false, "hit")]
    [TestCase(true, true, "stale")]
    public async Task The_cache_result_comes_from_the_result(bool fromCache, bool isStale, string expected)
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new();
        inner.Handler = (request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "fake", "m"))
        {
            FromCache = fromCache,
            IsStale = isStale,
            Attempts = 0,
        });
        using OpenTelemetryImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(spans.Only().GetTagItem("imagegen.cache.result"), Is.EqualTo(expected));
    }

    [Test]
    public void A_failure_sets_error_type_to_the_kind_and_an_error_status_and_is_rethrown()
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new("openai") { Metadata = OpenAIMetadata };
        inner.ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.ContentFiltered, "refused") { Provider = "openai" });
        using OpenTelemetryImageGenerator generator = new(inner);

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x")));

        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.ContentFiltered));
        Activity span = spans.Only();
        Assert.That(span.GetTagItem("error.type"), Is.EqualTo("ContentFiltered"));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(span.StatusDescription, Is.EqualTo("refused"));
        Assert.That(span.GetTagItem("gen_ai.response.model"), Is.Null);
    }

    [Test]
    public async Task The_prompt_stays_off_the_span_unless_sensitive_data_is_enabled()
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new();
        using OpenTelemetryImageGenerator quiet = new(inner);
        using OpenTelemetryImageGenerator sensitive = new(inner, new ImageGenerationTelemetryOptions { EnableSensitiveData = true });

        await quiet.GenerateAsync(new ImageGenerationRequest("secret fox") { NegativePrompt = "no dogs" });
        await sensitive.GenerateAsync(new ImageGenerationRequest("secret fox") { NegativePrompt = "no dogs" });

        Activity[] recorded = spans.Spans.ToArray();
        Assert.That(recorded, Has.Length.EqualTo(2));
        Assert.That(recorded[0].TagObjects.Select(t => t.Value?.ToString()), Has.None.Contains("secret fox"));
        Assert.That(recorded[1].GetTagItem("gen_ai.input.messages"), Is.EqualTo(
            """[{"role":"user","parts":[{"type":"text","content":"secret fox"},{"type":"text","content":"Negative prompt: no dogs"}]}]"""));
    }

    [Test]
    public async Task Records_the_duration_on_the_injected_clock_and_input_and_output_tokens()
    {
        using TestMeters meters = new();
        ManualTimeProvider clock = new();
        FakeImageGenerator inner = new("openai", "gpt-image-1") { Metadata = OpenAIMetadata };
        inner.Handler = (request, _) =>
        {
            clock.Advance(TimeSpan.FromSeconds(7.5));
            return Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "openai", "gpt-image-1"))
            {
                Usage = new ImageUsage { InputTokens = 12, OutputTokens = 272 },
            });
        };
        using OpenTelemetryImageGenerator generator = new(inner, meterFactory: meters.Factory, timeProvider: clock);
        using MetricCollector<double> duration = new(meters.Factory, "ImageGen.Sdk", "gen_ai.client.operation.duration");
        using MetricCollector<long> tokens = new(meters.Factory, "ImageGen.Sdk", "gen_ai.client.token.usage");

        await generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        CollectedMeasurement<double> measured = duration.GetMeasurementSnapshot().Single();
        Assert.That(measured.Value, Is.EqualTo(7.5));
        Assert.That(measured.Tags["gen_ai.operation.name"], Is.EqualTo("generate_content"));
        Assert.That(measured.Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
        Assert.That(measured.Tags["gen_ai.request.model"], Is.EqualTo("gpt-image-1"));
        Assert.That(measured.Tags["gen_ai.response.model"], Is.EqualTo("gpt-image-1"));
        Assert.That(measured.Tags.ContainsKey("error.type"), Is.False);
        Assert.That(
            tokens.GetMeasurementSnapshot().Select(m => (m.Tags["gen_ai.token.type"], m.Value)),
            Is.EquivalentTo(new (object?, long)[] { ("input", 12), ("output", 272) }));
    }

    [Test]
    public void A_failed_call_records_its_duration_with_error_type()
    {
        using TestMeters meters = new();
        FakeImageGenerator inner = new("openai");
        inner.ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "429") { Provider = "openai" });
        using OpenTelemetryImageGenerator generator = new(inner, meterFactory: meters.Factory);
        using MetricCollector<double> duration = new(meters.Factory, "ImageGen.Sdk", "gen_ai.client.operation.duration");

        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x")));

        CollectedMeasurement<double> measured = duration.GetMeasurementSnapshot().Single();
        Assert.That(measured.Tags["error.type"], Is.EqualTo("RateLimited"));
        Assert.That(measured.Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
    }

    [Test]
    public async Task StartAttempt_opens_a_child_span_of_the_operation()
    {
        using SpanRecorder spans = new();
        FakeImageGenerator inner = new("openai");
        inner.Handler = (request, _) =>
        {
            using Activity? attempt = ImageGenerationActivities.StartAttempt("openai", "gpt-image-1", 2);
            ImageGenerationActivities.SetKeyFingerprint(attempt, "sk-...abcd");
            ImageGenerationActivities.SetWait(attempt, TimeSpan.FromSeconds(2));
            ImageGenerationActivities.SetError(attempt, new ImageGenerationException(ImageGenerationErrorKind.ServerError, "503"));
            return Task.FromResult(FakeImageGenerator.CreateResult(request, "openai", "gpt-image-1"));
        };
        using OpenTelemetryImageGenerator generator = new(inner);

        await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Activity[] recorded = spans.Spans.ToArray();
        Assert.That(recorded, Has.Length.EqualTo(2));
        Activity attemptSpan = recorded[0];
        Activity operation = recorded[1];
        Assert.That(attemptSpan.ParentSpanId, Is.EqualTo(operation.SpanId));
        Assert.That(attemptSpan.DisplayName, Is.EqualTo("attempt openai"));
        Assert.That(attemptSpan.GetTagItem("imagegen.attempt"), Is.EqualTo(2));
        Assert.That(attemptSpan.GetTagItem("imagegen.key.fingerprint"), Is.EqualTo("sk-...abcd"));
        Assert.That(attemptSpan.GetTagItem("imagegen.rate_limit.wait"), Is.EqualTo(2.0));
        Assert.That(attemptSpan.GetTagItem("error.type"), Is.EqualTo("ServerError"));
        Assert.That(operation.Status, Is.EqualTo(ActivityStatusCode.Unset), "a failed attempt that was retried does not fail the operation");
    }

    [Test]
    public async Task Under_DI_it_binds_EnableSensitiveData_from_configuration_and_records_on_the_apps_meter_factory()
    {
        using SpanRecorder spans = new();
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(ImageGenerationTestServices.Configuration(
            ("ImageGeneration:Providers:offline:Type", "Local"),
            ("ImageGeneration:Telemetry:EnableSensitiveData", "true")));
        services.AddMetrics();
        services.AddImageGeneration(); // telemetry is part of the default stack
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        using MetricCollector<double> duration = new(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "ImageGen.Sdk", "gen_ai.client.operation.duration");

        await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a lighthouse") { Size = new ImageSize(16, 16) });

        Activity span = spans.Only();
        Assert.That(span.GetTagItem("gen_ai.provider.name"), Is.EqualTo("offline"));
        Assert.That((string?)span.GetTagItem("gen_ai.input.messages"), Does.Contain("a lighthouse"));
        Assert.That(duration.GetMeasurementSnapshot().Single().Tags["gen_ai.provider.name"], Is.EqualTo("offline"));
    }
}
