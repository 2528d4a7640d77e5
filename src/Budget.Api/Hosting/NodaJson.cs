using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Budget.Api.Hosting;

/// <summary>Dates as ISO "yyyy-MM-dd" and instants as ISO UTC text in JSON (NodaTime's serialization package is not available).</summary>
internal sealed class LocalDateJsonConverter : JsonConverter<LocalDate>
{
    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        return result.Success ? result.Value : throw new JsonException($"'{text}' is not a date in the form yyyy-MM-dd.");
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
}

internal sealed class InstantJsonConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = InstantPattern.ExtendedIso.Parse(text ?? "");
        return result.Success ? result.Value : throw new JsonException($"'{text}' is not an ISO-8601 UTC instant.");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}
