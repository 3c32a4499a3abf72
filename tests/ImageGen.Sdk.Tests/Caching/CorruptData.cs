namespace ImageGen.Sdk.Tests.Caching;

/// <summary>Damages serialized cache entries the way a bad disk or a foreign writer might.</summary>
internal static class CorruptData
{
    /// <summary>
    /// Makes the cost decimal of a serialized entry invalid (scale beyond 28), which <see cref="BinaryReader"/>
    /// reports as an <see cref="IOException"/>. Layout: magic (4), version (1), mode (1), provider and model as
    /// length-prefixed strings, three tick values (24), has-cost flag (1), then the decimal (16, flags last).
    /// </summary>
    public static void BreakCostDecimal(byte[] data, string provider, string model)
    {
        int offset = 4 + 1 + 1 + 1 + provider.Length + 1 + model.Length + 24 + 1;
        data[offset + 12] = 0;
        data[offset + 13] = 0;
        data[offset + 14] = 0xFF; // scale 255
        data[offset + 15] = 0;
    }
}
