namespace ImageGen.Sdk;

/// <summary>What went wrong, in provider-neutral terms. Layers decide retry, fallback and key health from it.</summary>
public enum ImageGenerationErrorKind
{
    /// <summary>The provider rejected the request as malformed or unsupported (400, 422). Not transient.</summary>
    InvalidRequest = 0,

    /// <summary>The API key is missing, invalid or revoked (401). Not transient.</summary>
    Authentication,

    /// <summary>The key is valid but not allowed to do this (403). Not transient.</summary>
    PermissionDenied,

    /// <summary>The model, deployment or endpoint does not exist (404). Not transient.</summary>
    NotFound,

    /// <summary>Too many requests (429 rate limit, or a local limiter refused). Transient.</summary>
    RateLimited,

    /// <summary>The account's quota, credits or balance are exhausted (OpenAI <c>insufficient_quota</c>, 402). Not transient.</summary>
    QuotaExceeded,

    /// <summary>The provider's safety system refused the prompt or the output. Not transient.</summary>
    ContentFiltered,

    /// <summary>The provider failed (5xx). Transient.</summary>
    ServerError,

    /// <summary>The call or an attempt timed out. Transient.</summary>
    Timeout,

    /// <summary>The connection failed, was reset, or the body was cut off. Transient.</summary>
    Network,

    /// <summary>The provider answered with a body the library cannot read. Not transient unless it was truncated.</summary>
    InvalidResponse,

    /// <summary>The provider is unavailable: its circuit is open or every API key is cooling down. Transient.</summary>
    Unavailable,

    /// <summary>The call would exceed a configured spending budget. Not transient.</summary>
    BudgetExceeded,
}
