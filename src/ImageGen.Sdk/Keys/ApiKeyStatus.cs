namespace ImageGen.Sdk;

/// <summary>The stored health of one API key: its state and, while it rests, until when.</summary>
/// <param name="State">The state.</param>
/// <param name="Until">When a <see cref="ApiKeyState.Cooling"/> or <see cref="ApiKeyState.Parked"/> key may be used again, or when a <see cref="ApiKeyState.Retired"/> key is probed (a retired key stays retired past it until its probe succeeds).</param>
public readonly record struct ApiKeyStatus(ApiKeyState State, DateTimeOffset? Until = null)
{
    /// <summary>Gets the status of a healthy key.</summary>
    public static ApiKeyStatus Active => default;

    /// <summary>Gets the state in effect at <paramref name="now"/>: a rest that has ended reads as <see cref="ApiKeyState.Active"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The effective state.</returns>
    public ApiKeyState EffectiveState(DateTimeOffset now)
        => State is ApiKeyState.Cooling or ApiKeyState.Parked && (Until is null || Until <= now) ? ApiKeyState.Active : State;
}
