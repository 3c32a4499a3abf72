namespace ImageGen.Sdk.Telemetry;

/// <summary>Attribute and tag names of the SDK's spans and instruments (listed in <c>docs/observability.md</c>).</summary>
internal static class TelemetryTags
{
    // OpenTelemetry gen_ai semantic conventions.
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string RequestChoiceCount = "gen_ai.request.choice.count";
    public const string OutputType = "gen_ai.output.type";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string ResponseId = "gen_ai.response.id";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";

    // Ours.
    public const string CacheResult = "imagegen.cache.result";
    public const string EstimatedCost = "imagegen.estimated_cost";
    public const string Attempts = "imagegen.attempts";
    public const string Attempt = "imagegen.attempt";
    public const string KeyFingerprint = "imagegen.key.fingerprint";
    public const string KeyState = "imagegen.key.state";
    public const string WaitDuration = "imagegen.rate_limit.wait";
    public const string FallbackHop = "imagegen.fallback.hop";
    public const string FallbackTo = "imagegen.fallback.to";
    public const string CostKind = "imagegen.cost.kind";
    public const string RequestWidth = "gen_ai.request.image.width";
    public const string RequestHeight = "gen_ai.request.image.height";

    // Values.
    public const string GenerateContent = "generate_content";
    public const string ImageOutput = "image";
    public const string InputTokenType = "input";
    public const string OutputTokenType = "output";
}
