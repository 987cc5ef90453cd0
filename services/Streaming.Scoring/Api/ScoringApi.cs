using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts.Records;
using Streaming.Scoring.Model;
using Streaming.Scoring.Scoring;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Scoring.Api;

/// <summary>
/// <c>GET /api/scoring/persons/{personId}</c> (profiles read), <c>GET /api/scoring/models</c> and
/// <c>GET /api/scoring/models/{id}</c> (definitions read), <c>PUT /api/scoring/models/{id}</c>
/// (definitions write: what <c>train churn --publish</c> calls).
/// </summary>
public static class ScoringApi
{
    /// <summary>Model ids: letters, digits, '-', '_', '.', at most 100.</summary>
    private static bool IsModelId(string id) => id.Length is > 0 and <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static void MapScoringApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/scoring/persons").RequireApiKey(ApiPermission.ProfilesRead).MapGet("/{personId:long}", async (HttpContext http, long personId, Rescoring rescoring, TimeProvider clock) =>
        {
            var tenant = http.Tenant();
            var (score, why) = await rescoring.ScoreAsync(tenant, personId, clock.GetUtcNow().ToUnixTimeMilliseconds());
            return why switch
            {
                NotScored.NoModel => AdminAuthorization.Problem(404, "no model", $"Tenant '{tenant}' has no published churn model: train one with `streaming train churn --publish`."),
                NotScored.NoProfile => AdminAuthorization.Problem(404, "unknown person", $"Tenant '{tenant}' has no profile for person {personId}."),
                NotScored.NoOrder => AdminAuthorization.Problem(404, "not a customer", $"Person {personId} has never ordered: churn is scored for customers only."),
                _ => Results.Ok(new { personId, score = score!.Score, band = score.Band, reasons = score.Reasons, model = score.ModelId, at = score.At }),
            };
        });

        var models = app.MapGroup("/api/scoring/models").RequireApiKey(ApiPermission.DefinitionsRead);
        var publish = app.MapGroup("/api/scoring/models").RequireApiKey(ApiPermission.DefinitionsWrite);
        models.MapGet("", (HttpContext http, ModelCatalog catalog) =>
        {
            var tenant = http.Tenant();
            var current = catalog.For(tenant)?.ModelId;
            return Results.Ok(catalog.List(tenant).Select(d => Summary(d, current)));
        });

        models.MapGet("/{id}", (HttpContext http, string id, ModelCatalog catalog) =>
        {
            var document = catalog.List(http.Tenant()).FirstOrDefault(d => d.Id == id);
            if (document is null)
                return AdminAuthorization.Problem(404, "unknown model", $"No model '{id}' is published for tenant '{http.Tenant()}'; GET /api/scoring/models lists them.");
            var (model, problem) = ChurnModelDefinition.Parse(document.Body);
            return model is null
                ? AdminAuthorization.Problem(422, "unusable model", problem!)
                : Results.Ok(new { id = document.Id, version = document.Version, updatedAt = document.UpdatedAt, model });
        });

        publish.MapPut("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
        {
            if (!IsModelId(id))
                return AdminAuthorization.Problem(400, "bad id", "The model id may hold letters, digits, '-', '_' and '.', at most 100 characters, e.g. churn-2011-04-01.");
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            var (model, problem) = ChurnModelDefinition.Parse(body);
            if (model is null)
                return AdminAuthorization.Problem(400, "invalid model", problem!);
            var document = await store.PutAsync(http.Tenant(), DefinitionKind.Model, id, model.ToJson(), "admin", cancellationToken);
            return Results.Ok(Summary(document, null));
        });
    }

    private static object Summary(DefinitionDocument document, string? current)
    {
        var (model, problem) = ChurnModelDefinition.Parse(document.Body);
        return new
        {
            id = document.Id,
            version = document.Version,
            updatedAt = document.UpdatedAt,
            active = document.Id == current,
            problem,
            trainedAt = model?.TrainedAt,
            horizonDays = model?.HorizonDays,
            auc = model?.Evaluation.Model.Auc,
            precisionTop10 = model?.Evaluation.Model.PrecisionTop10,
            baselineAuc = model?.Evaluation.Baseline.Auc,
        };
    }
}
