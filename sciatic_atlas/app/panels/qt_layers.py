"""The layers panel: structure tree with visibility, opacity, isolate/hide/fade, peel, nerve supply.

Bound to the :class:`~sciatic_atlas.app.view_state.ViewState` both ways: a user
action calls a state setter; :meth:`LayersPanel.update_from` puts the drawn
state back into the widgets with their signals blocked.
"""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from sciatic_atlas.app.catalog import NERVE_KINDS
from sciatic_atlas.app.qt_utils import signals_blocked

ID_ROLE = QtCore.Qt.UserRole
FADED_OPACITY = 0.15


class LayersPanel(QtWidgets.QWidget):
    """Tree of structures (skin, muscles by layer and region, nerves, bones) and layer tools.

    Parameters
    ----------
    view_state : ViewState
        The state the panel reads and changes.
    catalog : Catalog
        The structures, grouped.
    """

    isolated = QtCore.pyqtSignal(list)  # structure ids left shown by Isolate: frame them

    def __init__(self, view_state, catalog, parent=None):
        super().__init__(parent)
        self.view_state = view_state
        self.catalog = catalog
        self.tree = QtWidgets.QTreeWidget(headerHidden=True)
        self.tree.setSelectionMode(QtWidgets.QAbstractItemView.ExtendedSelection)
        self.tree.setToolTip("Tick to show, untick to hide. Click a name to select it.")
        self.items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        # Slider position -> peel depth: only the depths that take away something drawn
        # (skin is off by default, so a "skin off" notch would change nothing).
        self._depths = list(range(len(catalog.peel_labels())))
        self.groups: list[QtWidgets.QTreeWidgetItem] = []
        self._fill_tree()

        self.peel = QtWidgets.QSlider(QtCore.Qt.Horizontal, minimum=0,
                                      maximum=len(catalog.peel_labels()) - 1, pageStep=1)
        self.peel.setToolTip("Peel the body layer by layer, from skin to bone")
        self.peel_label = QtWidgets.QLabel(catalog.peel_labels()[0])
        self.opacity = QtWidgets.QSlider(QtCore.Qt.Horizontal, minimum=0, maximum=100, value=100)
        self.opacity.setToolTip("Opacity of the selected structures")
        self.buttons = {name: QtWidgets.QPushButton(name) for name in ("Isolate", "Hide", "Fade", "Show all")}
        self.buttons["Isolate"].setToolTip("Show only the selected structures")
        self.buttons["Fade"].setToolTip("Make the selected structures see-through")
        self.buttons["Show all"].setToolTip("Undo every change made here (back to the scene)")
        self.supply = QtWidgets.QPushButton("Show only what this nerve supplies")
        self.supply.setEnabled(False)
        self._lay_out()
        self._connect()

    # -- construction ----------------------------------------------------------------------
    def _fill_tree(self) -> None:
        flags = QtCore.Qt.ItemIsEnabled | QtCore.Qt.ItemIsUserCheckable | QtCore.Qt.ItemIsSelectable
        for group, subgroups in self.catalog.tree():
            top = QtWidgets.QTreeWidgetItem(self.tree, [group])
            top.setFlags(flags)
            top.setCheckState(0, QtCore.Qt.Checked)
            self.groups.append(top)
            for sub, ids in subgroups:
                parent = top
                if len(subgroups) > 1 or sub != group.lower():
                    text = sub.replace("_", " ")
                    parent = QtWidgets.QTreeWidgetItem(top, [text[:1].upper() + text[1:]])
                    parent.setToolTip(0, f"{group} › {text}")
                    parent.setFlags(flags)
                    parent.setCheckState(0, QtCore.Qt.Checked)
                    self.groups.append(parent)
                for sid in ids:
                    item = QtWidgets.QTreeWidgetItem(parent, [self.catalog.short_label(sid)])
                    item.setToolTip(0, self.catalog.label(sid))  # names cut short by a narrow panel
                    item.setData(0, ID_ROLE, sid)
                    item.setFlags(flags)
                    item.setCheckState(0, QtCore.Qt.Checked)
                    self.items[sid] = item

    def _lay_out(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        row = QtWidgets.QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        layout.addLayout(row)
        form = QtWidgets.QFormLayout()
        form.addRow("Opacity", self.opacity)
        peel_row = QtWidgets.QVBoxLayout()
        peel_row.addWidget(self.peel)
        peel_row.addWidget(self.peel_label)
        form.addRow("Peel", peel_row)
        layout.addLayout(form)
        layout.addWidget(self.supply)

    def _connect(self) -> None:
        self.tree.itemChanged.connect(self._on_item_check_change)
        self.tree.itemSelectionChanged.connect(self._on_tree_selection_change)
        self.peel.valueChanged.connect(lambda value: self.view_state.set_peel(self._depths[value]))
        self.opacity.valueChanged.connect(self._on_opacity_change)
        self.buttons["Isolate"].clicked.connect(lambda: self._isolate(self.chosen_ids()))
        self.buttons["Hide"].clicked.connect(lambda: self.view_state.set_visible(self.chosen_ids(), False))
        self.buttons["Fade"].clicked.connect(self._on_fade_click)
        self.buttons["Show all"].clicked.connect(self.view_state.reset_overrides)
        self.supply.clicked.connect(self._on_supply_click)
        self.view_state.connect("peel", self._on_peel_change)
        self.view_state.connect("selected", self._on_selected_change)
        for name in ("scene", "step"):  # the selection is dropped quietly there
            self.view_state.connect(name, lambda _value: self._on_selected_change(self.view_state.selected))

    # -- user -> state ------------------------------------------------------------------------
    def chosen_ids(self) -> list[str]:
        """Return the structures the tools act on: the tree's selection, else the selected one."""
        ids: list[str] = []
        for item in self.tree.selectedItems():
            ids.extend(self._leaf_ids(item))
        if not ids and self.view_state.selected:
            ids = [self.view_state.selected]
        return list(dict.fromkeys(ids))

    def _leaf_ids(self, item: QtWidgets.QTreeWidgetItem) -> list[str]:
        sid = item.data(0, ID_ROLE)
        if sid:
            return [sid]
        return [s for i in range(item.childCount()) for s in self._leaf_ids(item.child(i))]

    def _on_item_check_change(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        visible = item.checkState(0) != QtCore.Qt.Unchecked
        self.view_state.set_visible(self._leaf_ids(item), visible)

    def _on_tree_selection_change(self) -> None:
        items = self.tree.selectedItems()
        if len(items) == 1 and items[0].data(0, ID_ROLE):
            self.view_state.select(items[0].data(0, ID_ROLE))

    def _on_opacity_change(self, value: int) -> None:
        ids = self.chosen_ids()
        if ids:
            self.view_state.set_opacity(ids, value / 100.0)

    def _on_supply_click(self) -> None:
        sid = self.view_state.selected
        if sid:
            self._isolate(sorted(self.catalog.supplied_by(sid)))

    def _isolate(self, ids: list[str]) -> None:
        if ids:
            self.view_state.isolate(ids)
            self.isolated.emit(list(ids))

    def _on_fade_click(self) -> None:
        """Make the chosen structures see-through, showing those that were hidden."""
        ids = self.chosen_ids()
        hidden = [sid for sid in ids if self.items.get(sid) is not None
                  and self.items[sid].checkState(0) == QtCore.Qt.Unchecked]
        if hidden:
            self.view_state.set_visible(hidden, True)
        self.view_state.set_opacity(ids, FADED_OPACITY)

    # -- state -> widgets -----------------------------------------------------------------------
    def _on_peel_change(self, depth: int) -> None:
        with signals_blocked(self.peel):
            self.peel.setValue(max(i for i, d in enumerate(self._depths) if d <= depth))
        labels = self.catalog.peel_labels()
        self.peel_label.setText(labels[min(depth, len(labels) - 1)])

    def _on_selected_change(self, sid: str | None) -> None:
        entry = self.catalog.entries.get(sid) if sid else None
        self.supply.setEnabled(entry is not None and entry.kind in NERVE_KINDS)
        item = self.items.get(sid) if sid else None
        with signals_blocked(self.tree):
            if item is None:
                self.tree.clearSelection()
            elif not item.isSelected():
                self.tree.clearSelection()
                item.setSelected(True)
                self.tree.scrollToItem(item)

    def _fit_peel(self, shown: set[str]) -> None:
        """Keep the peel notches that take away something of ``shown`` (and the deepest)."""
        last = len(self.catalog.peel_labels()) - 1
        depths = [0] + [d for d in range(1, last) if (self.catalog.peeled(d) - self.catalog.peeled(d - 1)) & shown]
        depths.append(last)
        if depths != self._depths:
            self._depths = depths
            with signals_blocked(self.peel):
                self.peel.setMaximum(len(depths) - 1)
            self._on_peel_change(self.view_state.peel)

    def update_from(self, state) -> None:
        """Show in the tree what ``state`` (the drawn SceneState) shows; set the opacity slider."""
        shown = {sid for sid, style in state.styles.items() if style.visible}
        self._fit_peel(shown | self.catalog.peeled(self.view_state.peel))
        with signals_blocked(self.tree, self.opacity):
            for sid, item in self.items.items():
                style = state.styles.get(sid)
                shown = style is not None and style.visible
                item.setCheckState(0, QtCore.Qt.Checked if shown else QtCore.Qt.Unchecked)
            for group in reversed(self.groups):  # children before parents
                states = {group.child(i).checkState(0) for i in range(group.childCount())}
                group.setCheckState(0, states.pop() if len(states) == 1 else QtCore.Qt.PartiallyChecked)
            chosen = self.chosen_ids()
            style = state.styles.get(chosen[0]) if chosen else None
            if style is not None and style.opacity is not None:
                self.opacity.setValue(round(100 * style.opacity))
