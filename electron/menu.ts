/** The native menu as data. Roles only: no custom actions, so nothing here needs the renderer. */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  readonly isMac: boolean;
  /** Developer tools and reload are for unpackaged (development) runs only. */
  readonly isPackaged: boolean;
}

export function menuTemplate({ isMac, isPackaged }: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!isPackaged) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
