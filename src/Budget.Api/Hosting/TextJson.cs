using System.Text.Json;
using System.Text.Json.Serialization;

namespace Budget.Api.Hosting;

/// <summary>
/// Every string of a request body, refused when it holds NUL (U+0000): PostgreSQL's text cannot store it, so the same
/// explanation would be kept on SQLite and fail as a 500 on PostgreSQL. Refused on both, as a 400 naming the field
/// (the serializer adds the path). Other control characters are text like any other (exports carry them, decision 0031).
/// </summary>
internal sealed class NulFreeStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected text, not {reader.TokenType}.");
        }

        var text = reader.GetString()!;
        return text.Contains('\0', StringComparison.Ordinal)
            ? throw new JsonException("Text may not hold the NUL character (U+0000).")
            : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
