using System.Text.Json.Serialization;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>Source-generated JSON for the scalar provider options the bridge turns into <see cref="System.Text.Json.JsonElement"/>s.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
internal sealed partial class MeaiBridgeJsonContext : JsonSerializerContext
{
}
