"""What a wheel needs beyond ``setup.cfg``: the translation catalogs compiled (only their sources are kept in
git), and the shared page templates of the top-level ``templates/`` folder carried inside the ``core`` package,
where the application finds them when it is not run from a checkout."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogsAndTemplates(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # a checkout (make install) compiles and finds them in place
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        built = Path(self.build_lib)
        for po in [*ROOT.glob("core/translations/*/LC_MESSAGES/messages.po"),
                   *ROOT.glob("plugins/*/translations/*/LC_MESSAGES/messages.po")]:
            target = built / po.relative_to(ROOT).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, target.open("wb") as compiled:
                write_mo(compiled, read_po(source))
        shutil.copytree(ROOT / "templates", built / "core" / "templates", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithCatalogsAndTemplates})
