// The month attendance sheet: arrow keys move between its checkboxes, skipping
// the days a person was not enrolled. The sheet works without this file.
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.closest("table.month-sheet")) return;
  const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  const move = moves[event.key];
  if (!move) return;
  const cell = box.closest("td");
  const rows = cell.parentElement.parentElement.rows;
  let r = cell.parentElement.sectionRowIndex;
  let c = cell.cellIndex;
  for (;;) {
    r += move[0];
    c += move[1];
    if (r < 0 || r >= rows.length || c < 1 || c >= rows[r].cells.length) return;
    const next = rows[r].cells[c].querySelector("input[type=checkbox]");
    if (next) {
      event.preventDefault();
      next.focus();
      return;
    }
  }
});
