using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;

namespace ImageGen.Sdk.Telemetry;

/// <summary>
/// The outermost layer: opens one span per <see cref="IImageGenerator.GenerateAsync"/> on the <c>ImageGen.Sdk</c>
/// source and records <c>gen_ai.client.operation.duration</c> and <c>gen_ai.client.token.usage</c>, following the
/// OpenTelemetry gen_ai conventions as Microsoft.Extensions.AI's own image telemetry does.
/// </summary>
/// <remarks>
/// The span carries <c>gen_ai.operation.name</c> (<c>generate_content</c>), <c>gen_ai.provider.name</c> (who served
/// the call, after fallback), <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>, <c>gen_ai.usage.*</c>,
/// <c>error.type</c>, <c>imagegen.cache.result</c> and <c>imagegen.estimated_cost</c>. Prompts appear only with
/// <see cref="ImageGenerationTelemetryOptions.EnableSensitiveData"/>. Nothing is allocated for spans nobody samples.
/// </remarks>
public sealed class OpenTelemetryImageGenerator : DelegatingImageGenerator
{
    private readonly ImageGenerationInstruments _instruments;
    private readonly bool _enableSensitiveData;
    private readonly TimeProvider _timeProvider;
    private readonly ImageGeneratorMetadata? _metadata;

    /// <summary>Initializes the layer.</summary>
    /// <param name="innerGenerator">The generator below.</param>
    /// <param name="options">The telemetry options; defaults when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the meter; a process-wide meter when <see langword="null"/>.</param>
    /// <param name="timeProvider">Measures durations; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public OpenTelemetryImageGenerator(
        IImageGenerator innerGenerator,
        ImageGenerationTelemetryOptions? options = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
        : this(innerGenerator, options, meterFactory is null ? ImageGenerationInstruments.Shared : new ImageGenerationInstruments(meterFactory), timeProvider)
    {
    }

    internal OpenTelemetryImageGenerator(
        IImageGenerator innerGenerator,
        ImageGenerationTelemetryOptions? options,
        ImageGenerationInstruments instruments,
        TimeProvider? timeProvider)
        : base(innerGenerator)
    {
        _instruments = instruments;
        _enableSensitiveData = options?.EnableSensitiveData ?? false;
        _timeProvider = timeProvider ?? TimeProvider.System;

        // Asked once: the default provider and model name the span before routing decides.
        _metadata = innerGenerator.GetService<ImageGeneratorMetadata>();
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? requestModel = request.Model ?? (request.Provider is null ? _metadata?.DefaultModel : null);
        string? provider = request.Provider ?? _metadata?.ProviderName;

        using Activity? activity = StartActivity(request, provider, requestModel);
        long started = _timeProvider.GetTimestamp();
        ImageGenerationResult? result = null;
        Exception? error = null;
        try
        {
            result = await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            TimeSpan elapsed = _timeProvider.GetElapsedTime(started);
            string? servedBy = result?.Provider ?? (error as ImageGenerationException)?.Provider ?? provider;
            _instruments.RecordOperation(elapsed, servedBy, requestModel, result?.Model, result?.Usage, error);
            if (activity is { IsAllDataRequested: true })
            {
                if (servedBy is not null)
                {
                    activity.SetTag(TelemetryTags.ProviderName, servedBy);
                }

                if (result is not null)
                {
                    TagResult(activity, result);
                }
            }

            if (error is not null)
            {
                ImageGenerationActivities.SetError(activity, error);
            }
        }
    }

    private Activity? StartActivity(ImageGenerationRequest request, string? provider, string? requestModel)
    {
        Activity? activity = ImageGenerationTelemetry.Source.StartActivity(
            requestModel is null ? TelemetryTags.GenerateContent : $"{TelemetryTags.GenerateContent} {requestModel}",
            ActivityKind.Client);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag(TelemetryTags.OperationName, TelemetryTags.GenerateContent);
        activity.SetTag(TelemetryTags.OutputType, TelemetryTags.ImageOutput);
        activity.SetTag(TelemetryTags.ProviderName, provider);
        activity.SetTag(TelemetryTags.RequestModel, requestModel);
        activity.SetTag(TelemetryTags.RequestChoiceCount, request.Count);
        if (request.Size is ImageSize size)
        {
            activity.SetTag(TelemetryTags.RequestWidth, size.Width);
            activity.SetTag(TelemetryTags.RequestHeight, size.Height);
        }

        if (request.Provider is null && _metadata?.BaseUrl is Uri baseUrl)
        {
            activity.SetTag(TelemetryTags.ServerAddress, baseUrl.Host);
            activity.SetTag(TelemetryTags.ServerPort, baseUrl.Port);
        }

        if (_enableSensitiveData)
        {
            activity.SetTag(TelemetryTags.InputMessages, Messages("user", [request.Prompt, request.NegativePrompt is null ? null : $"Negative prompt: {request.NegativePrompt}"]));
        }

        return activity;
    }

    private void TagResult(Activity activity, ImageGenerationResult result)
    {
        activity.SetTag(TelemetryTags.ResponseModel, result.Model);
        activity.SetTag(TelemetryTags.CacheResult, (result.IsStale ? ImageCacheResult.Stale : result.FromCache ? ImageCacheResult.Hit : ImageCacheResult.Miss).ToTagValue());
        activity.SetTag(TelemetryTags.Attempts, result.Attempts);
        if (result.ProviderRequestId is not null)
        {
            activity.SetTag(TelemetryTags.ResponseId, result.ProviderRequestId);
        }

        if (result.EstimatedCostUsd is decimal cost)
        {
            activity.SetTag(TelemetryTags.EstimatedCost, (double)cost);
        }

        if (result.Usage?.InputTokens is long input)
        {
            activity.SetTag(TelemetryTags.UsageInputTokens, input);
        }

        if (result.Usage?.OutputTokens is long output)
        {
            activity.SetTag(TelemetryTags.UsageOutputTokens, output);
        }

        if (_enableSensitiveData && result.Images.Any(i => i.RevisedPrompt is not null))
        {
            activity.SetTag(TelemetryTags.OutputMessages, Messages("assistant", result.Images.Select(i => i.RevisedPrompt)));
        }
    }

    /// <summary>One gen_ai message (<c>[{"role":…,"parts":[{"type":"text","content":…}]}]</c>) with a text part per non-null text.</summary>
    private static string Messages(string role, IEnumerable<string?> texts)
    {
        ArrayBufferWriter<byte> buffer = new();
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteStartArray("parts");
            foreach (string? text in texts)
            {
                if (text is not null)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("content", text);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
