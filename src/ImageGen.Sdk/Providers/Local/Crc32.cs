namespace ImageGen.Sdk.Providers.Local;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected), the checksum PNG puts on every chunk.
/// </summary>
/// <remarks>Written here because System.IO.Hashing is not a dependency this library takes for one small table.</remarks>
internal static class Crc32
{
    private static readonly uint[] Table = CreateTable();

    /// <summary>Starts a running checksum.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>Adds <paramref name="data"/> to a running checksum started with <see cref="Initial"/>.</summary>
    /// <param name="crc">The running value.</param>
    /// <param name="data">The bytes to add.</param>
    /// <returns>The new running value.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    /// <summary>Finishes a running checksum.</summary>
    /// <param name="crc">The running value.</param>
    /// <returns>The CRC-32.</returns>
    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC-32.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    private static uint[] CreateTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
