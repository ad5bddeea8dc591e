"""CSV and XLSX of a report: the same tables (from the same selector results) the page
shows. XLSX cells keep their types: numbers as numbers, dates as dates."""
import csv
import io
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list


def _blank(value):
    return "" if value is None else value


def tables(report, trend):
    """Every table of the report, in page order."""
    success, sla, volume = report["success"], report["sla"], report["volume"]
    parts, vendors, satisfaction = report["parts"], report["vendors"], report["satisfaction"]
    used = [_("Issued"), _("Returned unused"), _("Used"), _("Cost")]

    def use(r):
        return [r["issued"], r["returned"], r["used"], r["cost"]]

    summary = [
        (_("Period start"), report["period"]["start"]), (_("Period end"), report["period"]["end"]),
        (_("Repairs received"), volume["received"]), (_("Repairs completed"), volume["completed"]),
        (_("Repaired successfully"), success["succeeded"]), (_("Repair success rate (%)"), success["success_rate"]),
        (_("Fixed the first time"), success["first_time_fixed"]),
        (_("First-time-fix rate (%)"), success["first_time_fix_rate"]), (_("Repeat repairs"), success["repeats"]),
        (_("Failed repairs (fault came back)"), success["failed"]),
        (_("DOA units"), report["doa"]["doa"]), (_("SLA clocks met"), sla["met"]),
        (_("SLA clocks breached"), sla["breached"]), (_("SLA met (%)"), sla["met_rate"]),
        (_("Parts used"), parts["used"]), (_("Parts cost"), parts["cost"]),
        (_("Units at vendors"), vendors["at_vendor"]), (_("Units back from vendors"), vendors["returned"]),
        (_("Vendor turnaround, median (days)"), vendors["median_days"]),
        (_("Vendor turnaround, p90 (days)"), vendors["p90_days"]),
        (_("Overdue RMA milestones"), vendors["overdue"]),
        (_("Callbacks answered"), satisfaction["answered"]), (_("Average score"), satisfaction["average_score"]),
        (_("Satisfied (%)"), satisfaction["satisfied_rate"]), (_("Complaints"), satisfaction["complaints"]),
        (_("Complaints closed"), satisfaction["complaints_closed"]),
        (_("Time to close, median (days)"), satisfaction["close_median_days"]),
    ]
    no_shipments = _("no shipments")
    return [
        Table("summary", _("Summary"), [_("Figure"), _("Value")], [[k, _blank(v)] for k, v in summary]),
        Table("service_types", _("Volume by service type"), [_("Service type"), pgettext("tickets received", "Received"), _("Completed")],
              [[r["label"], r["received"], r["completed"]] for r in volume["by_service_type"]]),
        Table("models", _("Volume by model"), [_("Model"), _("Name"), pgettext("tickets received", "Received"), _("Completed")],
              [[r["code"], r["name"], r["received"], r["completed"]] for r in volume["by_model"]]),
        Table("doa", _("DOA rate by model"), [_("Model"), _("Name"), _("DOA units"), _("Units shipped"), _("DOA rate (%)")],
              [[r["code"], r["name"], r["doa"], no_shipments if r["shipped"] is None else r["shipped"],
                no_shipments if r["shipped"] is None else _blank(r["rate"])] for r in report["doa"]["by_model"]]),
        Table("sla", _("SLA compliance"), [_("Clock"), _("Met"), _("Breached"), _("Met (%)"), _("Level 1"),
                                           _("Level 2"), _("Median (min)"), _("p90 (min)")],
              [[r["label"], r["met"], r["breached"], _blank(r["met_rate"]), r["level_1"], r["level_2"],
                _blank(r["median_minutes"]), _blank(r["p90_minutes"])] for r in sla["by_clock"]]),
        Table("engineers", _("Per engineer"), [
            _("Engineer"), _("Repairs completed"), _("Repaired successfully"), _("Fixed the first time"),
            _("First-time-fix rate (%)"), _("Median completion (min)"), _("SLA met"), _("SLA breached"),
            _("SLA met (%)"), _("Callbacks answered"), _("Average score"), _("Satisfied (%)")],
              [[r["engineer"], r["completed"], r["succeeded"], r["first_time_fixed"], _blank(r["first_time_fix_rate"]),
                _blank(r["median_completion_minutes"]), r["sla_met"], r["sla_breached"], _blank(r["sla_met_rate"]),
                r["callbacks_answered"], _blank(r["average_score"]), _blank(r["satisfied_rate"])]
               for r in report["engineers"]]),
        Table("parts", _("Parts by part"), [_("Part number"), _("Name"), *used],
              [[r["part_number"], r["name"], *use(r)] for r in parts["by_part"]]),
        Table("parts_models", _("Parts by model"), [_("Model"), _("Name"), *used],
              [[r["code"], r["name"], *use(r)] for r in parts["by_model"]]),
        Table("parts_engineers", _("Parts by engineer"), [_("Engineer"), *used],
              [[r["engineer"], *use(r)] for r in parts["by_engineer"]]),
        Table("vendors", _("Vendor repair"), [
            _("Vendor"), _("Name"), _("Units at vendor"), _("Units back"), _("Median (days)"), _("p90 (days)"),
            _("Overdue milestones")],
              [[r["code"], r["name"], r["at_vendor"], r["returned"], _blank(r["median_days"]), _blank(r["p90_days"]),
                r["overdue"]] for r in vendors["by_vendor"]]),
        Table("rma_milestones", _("Overdue RMA milestones"), [_("Milestone"), _("Overdue"), _("Still open")],
              [[r["label"], r["overdue"], r["still_open"]] for r in vendors["by_milestone"]]),
        Table("satisfaction", _("Satisfaction"), [_("Figure"), _("Value")], [[k, _blank(v)] for k, v in (
            (_("Callback attempts"), satisfaction["callbacks"]), (_("Callbacks answered"), satisfaction["answered"]),
            (_("Average score"), satisfaction["average_score"]), (_("Attitude"), satisfaction["attitude"]),
            (_("Speed"), satisfaction["speed"]), (_("Repair quality"), satisfaction["repair_quality"]),
            (_("Satisfied (all scores ≥ 4)"), satisfaction["satisfied"]),
            (_("Satisfied (%)"), satisfaction["satisfied_rate"]), (_("Low scores"), satisfaction["low_scores"]),
            (_("Complaints"), satisfaction["complaints"]), (_("Major complaints"), satisfaction["complaints_major"]),
            (_("Replied late"), satisfaction["complaints_replied_late"]),
            (_("Complaints closed"), satisfaction["complaints_closed"]),
            (_("Time to close, median (days)"), satisfaction["close_median_days"]),
            (_("Time to close, p90 (days)"), satisfaction["close_p90_days"]))]),
        Table("complaints", _("Complaints by category"), [_("Category"), _("General"), _("Major")],
              [[r["label"], r["general"], r["major"]] for r in satisfaction["complaints_by_category"]]),
        Table("trend", _("Trend by month"), [
            _("Month"), _("Repairs received"), _("Repairs completed"), _("Repair success rate (%)"),
            _("First-time-fix rate (%)"), _("DOA units"), _("SLA met (%)")],
              [[date.fromisoformat(r["month"] + "-01"), r["received"], r["completed"], _blank(r["success_rate"]),
                _blank(r["first_time_fix_rate"]), r["doa_received"], _blank(r["sla_met_rate"])] for r in trend]),
    ]


def to_csv(table):
    """One table as CSV (UTF-8 with BOM, so spreadsheet programs keep the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([value.isoformat() if isinstance(value, date) else value for value in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(all_tables):
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in all_tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm" if table.key == "trend" else "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        for column, header in zip(sheet.columns, table.headers):
            sheet.column_dimensions[column[0].column_letter].width = max(12, min(40, len(str(header)) + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
