// Isoko: a Remove button on each row of the formgrader's Manage Students page.
// The page builds its rows from the API and rebuilds a row's cells when it changes,
// so a button is added to every row that lacks one, whenever the table changes.
(function () {
    "use strict";

    var apiUrl = function (id) {
        return base_url + "/formgrader/api/isoko/student/" + encodeURIComponent(id);
    };

    var xsrfToken = function () {
        var found = document.cookie.match("\\b_xsrf=([^;]*)\\b");
        return found ? found[1] : "";
    };

    // The answer replaces the question in the same dialog, with one button to close it.
    var say = function (modal, title, text) {
        modal.find(".modal-title").text(title);
        modal.find(".modal-body").empty().append($("<p/>").addClass("isoko-remove-result").text(text));
        modal.find(".modal-footer").empty().append($("<button/>")
            .addClass("btn btn-primary")
            .attr("type", "button")
            .attr("data-dismiss", "modal")
            .text("OK"));
    };

    var remove = function (row, id, modal) {
        modal.find(".isoko-confirm-remove").prop("disabled", true).text("Removing...");
        $.ajax({
            url: apiUrl(id),
            type: "DELETE",
            headers: { "X-XSRFToken": xsrfToken() },
            dataType: "json"
        }).done(function (answer) {
            if (answer.gradebook_row_kept) {
                row.find(".isoko-remove").replaceWith(
                    $("<span/>").addClass("isoko-removed label label-default").text("no access"));
            } else {
                $("#main-table").parent().DataTable().row(row).remove().draw();
                if (typeof models !== "undefined" && models.get(id)) models.remove(id);
            }
            say(modal, "Removed", answer.message);
        }).fail(function (reply) {
            var answer = reply.responseJSON || {};
            say(modal, "Not removed",
                answer.message || ("The formgrader answered " + reply.status + "."));
        });
    };

    var confirmRemoval = function (row, id) {
        var body = $("<div/>");
        body.append($("<p/>").text(
            "Remove " + id + " from this course? They lose access to it at once: its " +
            "assignments leave their Assignments list and they can no longer fetch or submit."));
        body.append($("<p/>").text(
            "Work they have handed in and its grades are kept in the gradebook (they stay " +
            "on this list); a learner who handed nothing in leaves the gradebook too. " +
            "Adding them again gives their access back."));
        var footer = $("<div/>");
        var modal;
        footer.append($("<button/>")
            .addClass("btn btn-danger isoko-confirm-remove")
            .attr("type", "button")
            .text("Remove " + id)
            .click(function () { remove(row, id, modal); }));
        footer.append($("<button/>")
            .addClass("btn btn-default")
            .attr("type", "button")
            .attr("data-dismiss", "modal")
            .text("Cancel"));
        modal = createModal("isoko-remove-modal", "Remove " + id + "?", body, footer);
    };

    var addButtons = function () {
        $("#main-table tr").each(function () {
            var row = $(this);
            var cell = row.find("td.edit");
            var id = row.find("td.id").text();
            if (!cell.length || !id || cell.find(".isoko-remove, .isoko-removed").length) return;
            cell.append(" ");
            cell.append($("<button/>")
                .addClass("btn btn-default btn-xs isoko-remove")
                .attr("type", "button")
                .attr("title", "Remove " + id + " from this course")
                .text("Remove")
                .click(function () { confirmRemoval(row, id); }));
        });
    };

    $(function () {
        var table = document.getElementById("main-table");
        if (!table) return;
        new MutationObserver(addButtons).observe(table, { childList: true, subtree: true });
        addButtons();
    });
})();
