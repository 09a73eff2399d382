// Isoko: an "Autograde all" panel on the formgrader's Manage Submissions page.
// The button starts `isoko grade` for the whole assignment on the server, which goes on
// whatever this page does; the page asks every second how it is going, shows the count
// and the time left, and at the end the submissions that did not grade cleanly.
(function () {
    "use strict";

    var api = base_url + "/formgrader/api/isoko/autograde/" + encodeURIComponent(assignment_id);
    var pollEveryMs = 1000;
    var panel, button, statusLine, bar, barFill, details;
    var timer = null;
    var sawRunning = false;

    var xsrfToken = function () {
        var found = document.cookie.match("\\b_xsrf=([^;]*)\\b");
        return found ? found[1] : "";
    };

    var build = function () {
        panel = $("<section/>").attr("id", "isoko-autograde-all").addClass("isoko-autograde-all");
        button = $("<button/>")
            .addClass("btn btn-primary isoko-autograde-all-button")
            .attr("type", "button")
            .text("Autograde all")
            .click(start);
        var hint = $("<span/>").addClass("isoko-autograde-hint text-muted").text(
            "Grades every collected submission not graded yet, several at a time. " +
            "It goes on if you close this page.");
        statusLine = $("<p/>").addClass("isoko-autograde-status").attr("role", "status")
            .attr("aria-live", "polite");
        barFill = $("<div/>").addClass("progress-bar").attr("role", "progressbar")
            .attr("aria-valuemin", 0);
        bar = $("<div/>").addClass("progress isoko-autograde-progress").append(barFill).hide();
        details = $("<div/>").addClass("isoko-autograde-details");
        panel.append($("<div/>").addClass("isoko-autograde-row").append(button, hint));
        panel.append(statusLine, bar, details);
        var anchor = $(".breadcrumb").first();
        if (anchor.length) anchor.after(panel); else $("#main-table").closest("table").before(panel);
    };

    var problemsTable = function (problems) {
        var table = $("<table/>").addClass("table table-condensed isoko-autograde-problems");
        table.append($("<caption/>").text("Submissions that did not grade cleanly"));
        var head = $("<tr/>");
        ["Learner", "Notebook", "Outcome", "Reason"].forEach(function (name) {
            head.append($("<th/>").attr("scope", "col").text(name));
        });
        table.append($("<thead/>").append(head));
        var body = $("<tbody/>");
        problems.forEach(function (problem) {
            var outcome = $("<span/>").addClass("label")
                .addClass(problem.outcome === "rejected" ? "label-danger" : "label-warning")
                .text(problem.outcome === "rejected" ? "rejected" : "graded, some cells zero");
            // data-label names each cell where a phone shows the rows as cards.
            body.append($("<tr/>")
                .append($("<td/>").addClass("isoko-problem-student").attr("data-label", "Learner")
                    .text(problem.student))
                .append($("<td/>").addClass("isoko-problem-notebook").attr("data-label", "Notebook")
                    .text(problem.notebook || "(all)"))
                .append($("<td/>").addClass("isoko-problem-outcome").attr("data-label", "Outcome")
                    .append(outcome))
                .append($("<td/>").addClass("isoko-problem-reason").attr("data-label", "Reason")
                    .text(problem.reason)));
        });
        table.append(body);
        return table;
    };

    // nbgrader's note says a whole assignment is graded from the command line with
    // `nbgrader autograde`; here it is the button, or the same pipeline in a terminal.
    var rewriteNote = function (course) {
        var note = $("#collapseOne .panel-body");
        if (!note.length || note.data("isoko")) return;
        note.data("isoko", true);
        note.find("p").first().text(
            "Autograde all (above) grades every collected submission not graded yet; the " +
            "flash icon on a row grades that learner again. Both run isoko grade, which " +
            "you can also run in a terminal:");
        var command = note.find("pre").first();
        var folder = (command.text().match(/cd "([^"]*)"/) || [])[1] || ".";
        command.text('cd "' + folder + '"\nisoko grade ' + course + ' "' + assignment_id +
            '" --course-dir .');
    };

    var render = function (status) {
        if (status.course) rewriteNote(status.course);
        statusLine.text(status.sentence || "");
        var progress = status.progress || {};
        var total = progress.total || 0;
        var done = progress.done || 0;
        var share = total ? Math.round(100 * done / total) : (status.running ? 0 : 100);
        barFill.css("width", share + "%").attr("aria-valuenow", done).attr("aria-valuemax", total);
        bar.toggle(status.running);
        button.prop("disabled", status.running).text(status.running ? "Autograding..." : "Autograde all");
        details.empty();
        if (status.running) return;
        if (status.problems && status.problems.length) {
            details.append(problemsTable(status.problems));
        }
        if (status.advice) {
            details.append($("<p/>").addClass("isoko-autograde-advice alert alert-info").text(status.advice));
        }
        if (status.error) {
            details.append($("<pre/>").addClass("isoko-autograde-error alert alert-danger").text(status.error));
        }
    };

    // nbgrader's list is a DataTable built once; build it again from the API.
    var refreshSubmissions = function () {
        var table = $("#main-table").parent();
        if ($.fn.dataTable && $.fn.dataTable.isDataTable(table)) table.DataTable().destroy();
        if (typeof loadSubmissions === "function") loadSubmissions();
    };

    var schedule = function () {
        clearTimeout(timer);
        timer = setTimeout(poll, pollEveryMs);
    };

    var poll = function () {
        // The hub wants the XSRF token on a script's reads too, not only on its writes.
        $.ajax({
            url: api,
            type: "GET",
            headers: { "X-XSRFToken": xsrfToken() },
            dataType: "json",
            cache: false
        })
            .done(function (status) {
                render(status);
                if (status.running) {
                    sawRunning = true;
                    schedule();
                } else if (sawRunning) {
                    sawRunning = false;
                    refreshSubmissions();
                }
            })
            .fail(function () {
                // A formgrader restarting, or the network: the run goes on; ask again.
                statusLine.text("Cannot reach the formgrader; trying again ...");
                schedule();
            });
    };

    var start = function () {
        button.prop("disabled", true).text("Starting...");
        $.ajax({
            url: api,
            type: "POST",
            headers: { "X-XSRFToken": xsrfToken() },
            dataType: "json"
        }).done(function (status) {
            render(status);
            sawRunning = true;
            schedule();
        }).fail(function (reply) {
            button.prop("disabled", false).text("Autograde all");
            statusLine.text("Autograde all did not start: the formgrader answered " + reply.status + ".");
        });
    };

    $(function () {
        if (typeof assignment_id === "undefined") return;
        build();
        poll();
    });
})();
