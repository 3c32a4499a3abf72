namespace ImageGen.Sdk.Testing;

/// <summary>What a <see cref="FakeFault"/> does to a request at the <see cref="FakeImageProviderServer"/>.</summary>
public enum FakeFaultKind
{
    /// <summary>Answers with <see cref="FakeFault.StatusCode"/>, <see cref="FakeFault.Body"/> and <see cref="FakeFault.Headers"/>.</summary>
    Status,

    /// <summary>Waits <see cref="FakeFault.Delay"/>, then answers normally.</summary>
    Delay,

    /// <summary>Aborts the connection before any response byte is sent.</summary>
    ConnectionReset,

    /// <summary>Sends a 200 whose <c>Content-Length</c> promises the whole body, half of it, then aborts the connection.</summary>
    TruncatedBody,

    /// <summary>Sends a complete 200 whose body is not the wire format's JSON.</summary>
    MalformedBody,

    /// <summary>Sends the normal 200 body in small pieces, <see cref="FakeFault.Delay"/> apart.</summary>
    SlowTrickle,

    /// <summary>Answers 200 with an error document instead of images (a refusal some providers and gateways send).</summary>
    Refusal,
}
