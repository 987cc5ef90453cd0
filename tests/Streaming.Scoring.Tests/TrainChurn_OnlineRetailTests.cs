using System.Text.Json;
using ClickHouse.Driver.ADO;
using Xunit.Abstractions;

namespace Streaming.Scoring.Tests;

/// <summary>
/// <c>streaming train churn</c> on the Online Retail history: it trains at 2011-02-01, evaluates at
/// 2011-04-01 with a 60-day horizon, prints the report and ends with the headline JSON, whose
/// persons and churn rate match what the invoices say independently.
/// </summary>
[Collection(ScoringCollection.Name)]
public sealed class TrainChurn_OnlineRetailTests(ScoringFixture fixture, ITestOutputHelper log)
{
    [Fact]
    public async Task Train_churn_reports_the_model_beside_the_baseline_when_run_on_online_retail()
    {
        var tenant = "retail-" + Guid.NewGuid().ToString("N")[..8];
        var invoices = RetailHistory.Invoices();
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(RetailHistory.Events(tenant, invoices));
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await Cli.Commands.RunAsync(
            ["train", "churn", "--train-as-of", "2011-02-01", "--evaluate-as-of", "2011-04-01", "--horizon", "60d", "--tenant", tenant, .. Connection(history)],
            output, error, default);

        log.WriteLine(output.ToString());
        Assert.True(exit == 0, error.ToString());
        var lines = output.ToString().TrimEnd().Split('\n');
        using var headline = JsonDocument.Parse(lines[^1]);
        var root = headline.RootElement;
        Assert.Equal(["auc", "precisionTop10", "baselineAuc", "persons", "churnRate"], root.EnumerateObject().Select(p => p.Name));

        // Independently: customers with an order on or before the cut, and those of them without one in the next 60 days.
        var cut = new DateTimeOffset(2011, 4, 1, 0, 0, 0, TimeSpan.Zero);
        var orders = invoices.Where(i => !i.Refund).ToList();
        var customers = orders.Where(i => i.At <= cut).Select(i => i.Customer).ToHashSet();
        var returned = orders.Where(i => i.At > cut && i.At <= cut.AddDays(60)).Select(i => i.Customer).ToHashSet();
        Assert.Equal(customers.Count, root.GetProperty("persons").GetInt32());
        Assert.Equal(customers.Count(c => !returned.Contains(c)) / (double)customers.Count, root.GetProperty("churnRate").GetDouble(), 3);
        Assert.InRange(root.GetProperty("auc").GetDouble(), 0.5, 1.0);
        Assert.Contains("precision top 10%", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("lift by decile", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_churn_refuses_when_there_are_fewer_than_100_churned_or_retained_persons()
    {
        var tenant = "small-" + Guid.NewGuid().ToString("N")[..8];
        var invoices = RetailHistory.Invoices();
        var few = invoices.Select(i => i.Customer).Distinct().Take(150).ToHashSet();
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(RetailHistory.Events(tenant, invoices.Where(i => few.Contains(i.Customer))));
        var error = new StringWriter();

        var exit = await Cli.Commands.RunAsync(["train", "churn", "--horizon", "60d", "--tenant", tenant, .. Connection(history)], new StringWriter(), error, default);

        Assert.Equal(1, exit);
        Assert.Contains("at least 100 of each are needed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_churn_refuses_when_the_evaluation_cut_is_within_the_training_horizon()
    {
        var tenant = "cuts-" + Guid.NewGuid().ToString("N")[..8];
        var history = await fixture.NewHistoryAsync();
        await history.StoreAsync(RetailHistory.Events(tenant, RetailHistory.Invoices()));
        var error = new StringWriter();

        var exit = await Cli.Commands.RunAsync(
            ["train", "churn", "--train-as-of", "2011-02-01", "--evaluate-as-of", "2011-03-01", "--horizon", "60d", "--tenant", tenant, .. Connection(history)],
            new StringWriter(), error, default);

        Assert.Equal(1, exit);
        Assert.Contains("must be at least --train-as-of + horizon", error.ToString(), StringComparison.Ordinal);
    }

    private static string[] Connection(History history)
    {
        var builder = new ClickHouseConnectionStringBuilder(history.ConnectionString);
        return ["--clickhouse", $"http://{builder.Host}:{builder.Port}", "--clickhouse-user", builder.Username, "--clickhouse-password", builder.Password ?? "", "--database", history.Database];
    }
}
