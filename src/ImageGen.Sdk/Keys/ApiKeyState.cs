namespace ImageGen.Sdk;

/// <summary>The health of one API key.</summary>
public enum ApiKeyState
{
    /// <summary>The key takes calls.</summary>
    Active = 0,

    /// <summary>The provider rate-limited the key (429); it rests until <see cref="ApiKeyStatus.Until"/>.</summary>
    Cooling,

    /// <summary>The key's quota or daily limit is used up (402, <c>insufficient_quota</c>, <c>KeyDailyLimit</c>); it rests until <see cref="ApiKeyStatus.Until"/>.</summary>
    Parked,

    /// <summary>
    /// The provider rejected the key (401); calls skip it until <see cref="ApiKeyStatus.Until"/>, when one call probes it
    /// (see <see cref="KeyRotationOptions.RetiredKeyProbeInterval"/>).
    /// </summary>
    Retired,
}
