using System.Buffers.Binary;

namespace ImageGen.Sdk.Providers.Local;

/// <summary>
/// The abstract placeholder picture the Local provider draws: a three-stop gradient background, one or two soft
/// translucent bands and a handful of soft-edged discs and rings, all placed and coloured from a 32-byte hash.
/// </summary>
/// <remarks>
/// Shapes are placed in coordinates relative to the image, so the same hash draws the same composition at any size.
/// Per-pixel work uses only IEEE-754 additions, multiplications, divisions and square roots (no trigonometry, no
/// fused multiply-add), which every .NET platform rounds identically, so the pixels are the same on every machine.
/// One scene renders one image; it is not shared between threads.
/// </remarks>
internal sealed class LocalImageScene
{
    // Unit vectors every 22.5 degrees, written out so no platform-specific Math.Cos result reaches the pixels.
    private static readonly (float X, float Y)[] Directions =
    [
        (1f, 0f), (0.9238795f, 0.38268343f), (0.70710677f, 0.70710677f), (0.38268343f, 0.9238795f),
        (0f, 1f), (-0.38268343f, 0.9238795f), (-0.70710677f, 0.70710677f), (-0.9238795f, 0.38268343f),
    ];

    private readonly int _width;
    private readonly int _height;
    private readonly Rgb[] _stops = new Rgb[3];
    private readonly float _gradientX;
    private readonly float _gradientY;
    private readonly Band[] _bands;
    private readonly Disc[] _discs;
    private readonly float[] _red;
    private readonly float[] _green;
    private readonly float[] _blue;

    /// <summary>Initializes a scene from a hash.</summary>
    /// <param name="hash">At least 32 bytes of hash output; every choice below derives from it.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public LocalImageScene(ReadOnlySpan<byte> hash, int width, int height)
    {
        if (hash.Length < 32)
        {
            throw new ArgumentException("The scene needs a 32-byte hash.", nameof(hash));
        }

        _width = width;
        _height = height;
        SplitMix64 random = new(hash);

        // A colour scheme around one base hue keeps the palette harmonious; a few scenes are dark for variety.
        double hue = random.NextDouble() * 360;
        double[] schemeOffsets = random.Next(4) switch
        {
            0 => [30, -30, 60],     // analogous
            1 => [180, 200, 160],   // complementary
            2 => [120, 240, 60],    // triadic
            _ => [150, 210, 30],    // split complementary
        };
        bool dark = random.Next(5) == 0;
        double backgroundLightness = dark ? 0.14 + (random.NextDouble() * 0.08) : 0.84 + (random.NextDouble() * 0.08);
        double backgroundSaturation = 0.30 + (random.NextDouble() * 0.30);
        _stops[0] = Rgb.FromHsl(hue, backgroundSaturation, backgroundLightness);
        _stops[1] = Rgb.FromHsl(hue + (schemeOffsets[2] / 2), backgroundSaturation, backgroundLightness + (dark ? 0.06 : -0.08));
        _stops[2] = Rgb.FromHsl(hue + schemeOffsets[0], backgroundSaturation + 0.1, backgroundLightness + (dark ? 0.02 : -0.16));

        (float gx, float gy) = Directions[random.Next(Directions.Length)];
        _gradientX = gx;
        _gradientY = gy;

        Rgb ShapeColour()
        {
            double shapeHue = hue + (random.Next(4) == 0 ? 0 : schemeOffsets[random.Next(schemeOffsets.Length)]) + ((random.NextDouble() - 0.5) * 16);
            double saturation = 0.45 + (random.NextDouble() * 0.35);
            double lightness = dark ? 0.45 + (random.NextDouble() * 0.25) : 0.42 + (random.NextDouble() * 0.30);
            return Rgb.FromHsl(shapeHue, saturation, lightness);
        }

        float shortEdge = Math.Min(width, height);
        float longEdge = Math.Max(width, height);
        _bands = new Band[1 + random.Next(2)];
        for (int i = 0; i < _bands.Length; i++)
        {
            (float nx, float ny) = Directions[random.Next(Directions.Length)];
            float centreX = (float)(0.2 + (random.NextDouble() * 0.6)) * width;
            float centreY = (float)(0.2 + (random.NextDouble() * 0.6)) * height;
            _bands[i] = new Band(
                nx,
                ny,
                (nx * centreX) + (ny * centreY),
                (float)(0.04 + (random.NextDouble() * 0.12)) * longEdge,
                Math.Max(1f, (float)(0.01 + (random.NextDouble() * 0.05)) * longEdge),
                (float)(0.12 + (random.NextDouble() * 0.18)),
                ShapeColour());
        }

        _discs = new Disc[4 + random.Next(4)];
        for (int i = 0; i < _discs.Length; i++)
        {
            bool glow = random.Next(3) == 0;
            float radius = (float)(0.07 + (random.NextDouble() * (glow ? 0.35 : 0.22))) * shortEdge;
            float feather = Math.Max(0.75f, radius * (glow ? 0.6f : 0.015f));
            bool ring = !glow && random.Next(4) == 0;
            _discs[i] = new Disc(
                (float)(0.05 + (random.NextDouble() * 0.9)) * width,
                (float)(0.05 + (random.NextDouble() * 0.9)) * height,
                radius,
                feather,
                ring ? Math.Max(1.5f, radius * (float)(0.06 + (random.NextDouble() * 0.08))) : 0f,
                (float)(glow ? 0.35 + (random.NextDouble() * 0.3) : 0.6 + (random.NextDouble() * 0.35)),
                ShapeColour());
        }

        _red = new float[width];
        _green = new float[width];
        _blue = new float[width];
    }

    /// <summary>Renders one row as 8-bit RGB.</summary>
    /// <param name="y">The row, top first.</param>
    /// <param name="rgb">Receives <c>width * 3</c> bytes.</param>
    public void RenderRow(int y, Span<byte> rgb)
    {
        float py = y + 0.5f;
        float[] red = _red, green = _green, blue = _blue;

        // Background: position along the gradient direction, 0 at one corner side and 1 at the other.
        float v = (py / _height) - 0.5f;
        float tRow = 0.5f + (v * _gradientY);
        for (int x = 0; x < _width; x++)
        {
            float t = Math.Clamp(tRow + ((((x + 0.5f) / _width) - 0.5f) * _gradientX), 0f, 1f);
            Rgb from = t < 0.5f ? _stops[0] : _stops[1];
            Rgb to = t < 0.5f ? _stops[1] : _stops[2];
            float local = t < 0.5f ? t * 2f : (t - 0.5f) * 2f;
            red[x] = from.R + ((to.R - from.R) * local);
            green[x] = from.G + ((to.G - from.G) * local);
            blue[x] = from.B + ((to.B - from.B) * local);
        }

        foreach (Band band in _bands)
        {
            float rowOffset = (band.NormalY * py) - band.Offset;
            for (int x = 0; x < _width; x++)
            {
                float distance = Math.Abs((band.NormalX * (x + 0.5f)) + rowOffset);
                float coverage = Coverage(band.HalfWidth - distance, band.Feather);
                if (coverage > 0f)
                {
                    Blend(x, band.Colour, coverage * band.Alpha);
                }
            }
        }

        foreach (Disc disc in _discs)
        {
            float dy = py - disc.CentreY;
            float reach = disc.Radius + disc.Feather;
            if (Math.Abs(dy) >= reach)
            {
                continue;
            }

            float halfSpan = MathF.Sqrt((reach * reach) - (dy * dy));
            int first = Math.Max(0, (int)(disc.CentreX - halfSpan));
            int last = Math.Min(_width - 1, (int)(disc.CentreX + halfSpan) + 1);
            for (int x = first; x <= last; x++)
            {
                float dx = x + 0.5f - disc.CentreX;
                float distance = MathF.Sqrt((dx * dx) + (dy * dy));
                float inside = disc.RingWidth > 0f
                    ? (disc.RingWidth / 2) - Math.Abs(distance - disc.Radius + (disc.RingWidth / 2))
                    : disc.Radius - distance;
                float coverage = Coverage(inside, disc.Feather);
                if (coverage > 0f)
                {
                    Blend(x, disc.Colour, coverage * disc.Alpha);
                }
            }
        }

        for (int x = 0, i = 0; x < _width; x++, i += 3)
        {
            rgb[i] = ToByte(red[x]);
            rgb[i + 1] = ToByte(green[x]);
            rgb[i + 2] = ToByte(blue[x]);
        }
    }

    /// <summary>Smooth 0..1 coverage from a signed distance to an edge (positive inside), softened over <paramref name="feather"/> pixels each side.</summary>
    private static float Coverage(float inside, float feather)
    {
        float s = Math.Clamp((inside + feather) / (2f * feather), 0f, 1f);
        return s * s * (3f - (2f * s));
    }

    private void Blend(int x, Rgb colour, float alpha)
    {
        _red[x] += (colour.R - _red[x]) * alpha;
        _green[x] += (colour.G - _green[x]) * alpha;
        _blue[x] += (colour.B - _blue[x]) * alpha;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)((value * 255f) + 0.5f), 0, 255);

    private readonly record struct Band(float NormalX, float NormalY, float Offset, float HalfWidth, float Feather, float Alpha, Rgb Colour);

    private readonly record struct Disc(float CentreX, float CentreY, float Radius, float Feather, float RingWidth, float Alpha, Rgb Colour);

    /// <summary>A colour with channels in 0..1.</summary>
    private readonly record struct Rgb(float R, float G, float B)
    {
        public static Rgb FromHsl(double hue, double saturation, double lightness)
        {
            hue = ((hue % 360) + 360) % 360 / 60;
            saturation = Math.Clamp(saturation, 0, 1);
            lightness = Math.Clamp(lightness, 0, 1);
            double chroma = (1 - Math.Abs((2 * lightness) - 1)) * saturation;
            double secondary = chroma * (1 - Math.Abs((hue % 2) - 1));
            (double r, double g, double b) = (int)hue switch
            {
                0 => (chroma, secondary, 0d),
                1 => (secondary, chroma, 0d),
                2 => (0d, chroma, secondary),
                3 => (0d, secondary, chroma),
                4 => (secondary, 0d, chroma),
                _ => (chroma, 0d, secondary),
            };
            double m = lightness - (chroma / 2);
            return new Rgb((float)(r + m), (float)(g + m), (float)(b + m));
        }
    }

    /// <summary>SplitMix64: a tiny, well-mixed generator whose output is fixed by its seed on every platform.</summary>
    private sealed class SplitMix64
    {
        private ulong _state;

        public SplitMix64(ReadOnlySpan<byte> hash)
        {
            _state = BinaryPrimitives.ReadUInt64LittleEndian(hash) ^ BinaryPrimitives.ReadUInt64LittleEndian(hash[8..])
                ^ BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
        }

        public ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        public int Next(int exclusiveMax) => (int)(NextUInt64() % (ulong)exclusiveMax);
    }
}
